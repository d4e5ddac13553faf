package dev.detkit.evaluation;

import java.util.Arrays;

/** An open-addressing map from long ids to dense int indices, without boxing. */
final class LongIndex {
  private static final long EMPTY_MARK = Long.MIN_VALUE;

  private long[] keys;
  private int[] values;
  private int size;
  private boolean hasMinValue;
  private int minValueIndex;

  LongIndex(int expected) {
    int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
    keys = new long[cap];
    values = new int[cap];
    Arrays.fill(keys, EMPTY_MARK);
  }

  int size() {
    return size;
  }

  /** The index of {@code key}, or -1. */
  int get(long key) {
    if (key == EMPTY_MARK) {
      return hasMinValue ? minValueIndex : -1;
    }
    int mask = keys.length - 1;
    int slot = mix(key) & mask;
    while (true) {
      long k = keys[slot];
      if (k == key) {
        return values[slot];
      }
      if (k == EMPTY_MARK) {
        return -1;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Adds {@code key -> value}; returns false (and changes nothing) if the key is present. */
  boolean putIfAbsent(long key, int value) {
    if (key == EMPTY_MARK) {
      if (hasMinValue) {
        return false;
      }
      hasMinValue = true;
      minValueIndex = value;
      size++;
      return true;
    }
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int slot = mix(key) & mask;
    while (true) {
      long k = keys[slot];
      if (k == key) {
        return false;
      }
      if (k == EMPTY_MARK) {
        keys[slot] = key;
        values[slot] = value;
        size++;
        return true;
      }
      slot = (slot + 1) & mask;
    }
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new int[oldKeys.length * 2];
    Arrays.fill(keys, EMPTY_MARK);
    int mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY_MARK) {
        int slot = mix(oldKeys[i]) & mask;
        while (keys[slot] != EMPTY_MARK) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        values[slot] = oldValues[i];
      }
    }
  }

  private static int mix(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
