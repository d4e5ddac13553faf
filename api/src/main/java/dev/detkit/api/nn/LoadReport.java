package dev.detkit.api.nn;

import java.util.List;

/**
 * What loading a state dict did, as mmengine reports it: keys the module has but the checkpoint
 * lacks, keys the checkpoint has but the module lacks, and keys whose shapes differ (those are not
 * loaded).
 */
public record LoadReport(
    List<String> missing, List<String> unexpected, List<String> shapeMismatched) {

  public LoadReport {
    missing = List.copyOf(missing);
    unexpected = List.copyOf(unexpected);
    shapeMismatched = List.copyOf(shapeMismatched);
  }

  /** True when every key matched. */
  public boolean isClean() {
    return missing.isEmpty() && unexpected.isEmpty() && shapeMismatched.isEmpty();
  }

  /** mmengine's wording, one section per non-empty list. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (!unexpected.isEmpty()) {
      sb.append("unexpected key in source state_dict: ")
          .append(String.join(", ", unexpected))
          .append('\n');
    }
    if (!missing.isEmpty()) {
      sb.append("missing keys in source state_dict: ")
          .append(String.join(", ", missing))
          .append('\n');
    }
    if (!shapeMismatched.isEmpty()) {
      sb.append("size mismatch: ").append(String.join("; ", shapeMismatched)).append('\n');
    }
    return sb.length() == 0 ? "all keys matched" : sb.toString().strip();
  }
}
