package dev.aigateway.spi;

/** {@link TokenCounter#fourBytesPerToken()}. */
enum FourBytesPerToken implements TokenCounter {
  INSTANCE;

  @Override
  public long count(String text) {
    long bytes = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return (bytes + 3) / 4;
  }

  @Override
  public String toString() {
    return "TokenCounter.fourBytesPerToken()";
  }
}
