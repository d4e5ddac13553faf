package dev.detkit.tools.suite;

import java.util.ArrayList;
import java.util.List;

/**
 * One share of a suite's cells, {@code I/N} with {@code 1 <= I <= N}: cell {@code k} of the grid
 * (in the grid's order) belongs to shard {@code k mod N + 1}. Round-robin rather than contiguous
 * blocks, so each shard gets a mix of small and large configs; a function of the grid alone, so
 * shards started on different machines agree and together cover every cell exactly once.
 *
 * @param index this shard, 1-based
 * @param count the number of shards
 */
public record SuiteShard(int index, int count) {
  /** Every cell. */
  public static final SuiteShard ALL = new SuiteShard(1, 1);

  public SuiteShard {
    if (count < 1 || index < 1 || index > count) {
      throw new IllegalArgumentException(
          "--shard: expected I/N with 1 <= I <= N, got " + index + "/" + count);
    }
  }

  /** Parses {@code I/N}; a malformed value is an {@link IllegalArgumentException} naming it. */
  public static SuiteShard parse(String text) {
    String[] parts = text.trim().split("/", -1);
    try {
      if (parts.length == 2) {
        return new SuiteShard(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("--shard: expected I/N (e.g. 1/4), got '" + text + "'");
  }

  /** This shard's cells, in the grid's order. */
  public List<SuiteCell> select(List<SuiteCell> grid) {
    List<SuiteCell> out = new ArrayList<>();
    for (int k = 0; k < grid.size(); k++) {
      if (k % count == index - 1) {
        out.add(grid.get(k));
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
