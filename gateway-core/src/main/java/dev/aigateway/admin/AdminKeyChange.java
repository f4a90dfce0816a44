package dev.aigateway.admin;

import org.jspecify.annotations.Nullable;

/**
 * Fields to create an admin API key with, or to change on one: {@code name}, {@code description} and
 * {@code metadata}, each optional. On update an untouched field stays as it is and a field set to null is
 * cleared.
 */
public final class AdminKeyChange extends DescribedChange {
  private AdminKeyChange(Builder b) {
    super(b);
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder extends DescribedChange.Builder<Builder> {
    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    public Builder name(@Nullable String name) {
      return setName(name);
    }

    public AdminKeyChange build() {
      return new AdminKeyChange(this);
    }
  }
}
