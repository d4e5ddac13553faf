package dev.detkit.api.nn;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What loading a state dict did, as mmengine reports it: keys the module has but the checkpoint
 * lacks, keys the checkpoint has but the module lacks, and keys whose shapes differ (those are not
 * loaded); plus what mmengine does not check but silently breaks a detector: loaded float
 * parameters holding NaN or infinity ({@code nonFinite}, "key (count)") and float parameters the
 * checkpoint stores as integers ({@code integerStored}).
 */
public record LoadReport(
    List<String> missing,
    List<String> unexpected,
    List<String> shapeMismatched,
    List<String> nonFinite,
    List<String> integerStored) {

  /** Lists longer than this are summarised by key prefix in {@link #summary()}. */
  private static final int LISTED = 8;

  public LoadReport {
    missing = List.copyOf(missing);
    unexpected = List.copyOf(unexpected);
    shapeMismatched = List.copyOf(shapeMismatched);
    nonFinite = List.copyOf(nonFinite);
    integerStored = List.copyOf(integerStored);
  }

  public LoadReport(List<String> missing, List<String> unexpected, List<String> shapeMismatched) {
    this(missing, unexpected, shapeMismatched, List.of(), List.of());
  }

  /** True when every key matched. */
  public boolean isClean() {
    return missing.isEmpty() && unexpected.isEmpty() && shapeMismatched.isEmpty();
  }

  /** True when loaded values look wrong (non-finite, or floats stored as integers). */
  public boolean hasSuspectValues() {
    return !nonFinite.isEmpty() || !integerStored.isEmpty();
  }

  /** mmengine's wording, one section per non-empty list, every key listed. */
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

  /**
   * One line for a log: like {@link #toString()}, but a list of more than eight keys is given as
   * its count by key prefix ("412 keys: backbone.layers 380, neck.fpn_convs 32").
   */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    section(sb, "unexpected key in source state_dict", unexpected);
    section(sb, "missing keys in source state_dict", missing);
    section(sb, "size mismatch", shapeMismatched);
    return sb.length() == 0 ? "all keys matched" : sb.toString();
  }

  /**
   * One line about suspect values, or null when there are none: the count of parameters with
   * NaN/infinity and the first one, and float parameters stored as integers.
   */
  public String suspectValues() {
    if (!hasSuspectValues()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    if (!nonFinite.isEmpty()) {
      sb.append(nonFinite.size())
          .append(" parameter(s) hold NaN or infinity (first: ")
          .append(nonFinite.get(0))
          .append(")");
    }
    if (!integerStored.isEmpty()) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(integerStored.size())
          .append(" float parameter(s) are stored as integers (first: ")
          .append(integerStored.get(0))
          .append(")");
    }
    return sb.toString();
  }

  private static void section(StringBuilder sb, String title, List<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    if (sb.length() > 0) {
      sb.append("; ");
    }
    sb.append(title).append(": ");
    if (keys.size() <= LISTED) {
      sb.append(String.join(", ", keys));
      return;
    }
    Map<String, Long> byPrefix =
        keys.stream()
            .collect(
                Collectors.groupingBy(LoadReport::prefix, TreeMap::new, Collectors.counting()));
    sb.append(keys.size()).append(" keys (");
    sb.append(
        byPrefix.entrySet().stream()
            .limit(LISTED)
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", ")));
    if (byPrefix.size() > LISTED) {
      sb.append(", ... ").append(byPrefix.size() - LISTED).append(" more prefixes");
    }
    sb.append(")");
  }

  /** The first two dotted segments of a key (of a size-mismatch entry, of its key). */
  private static String prefix(String key) {
    String k = key.contains(":") ? key.substring(0, key.indexOf(':')) : key;
    int first = k.indexOf('.');
    int second = first < 0 ? -1 : k.indexOf('.', first + 1);
    return second < 0 ? k : k.substring(0, second);
  }
}
