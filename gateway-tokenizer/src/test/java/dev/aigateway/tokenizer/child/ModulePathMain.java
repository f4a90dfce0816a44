package dev.aigateway.tokenizer.child;

import dev.aigateway.Gateway;

/**
 * {@code ModulePathTest}'s child JVM, run from the class path (so in a package the tokenizer's jar does not
 * hold): prints which counter a gateway found, in which module, and a count.
 */
public final class ModulePathMain {
  private ModulePathMain() {}

  public static void main(String[] args) {
    try (Gateway gateway = Gateway.builder().build()) {
      System.out.println(gateway.tokenCounter().getClass().getModule().getName() + " "
          + gateway.tokenCounter().count("hello world"));
    }
  }
}
