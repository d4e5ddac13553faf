package dev.detkit.evaluation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;

/**
 * A fast path for large bbox result files: the file's bytes are cut at top-level array elements and
 * the pieces are parsed in parallel by a byte-level reader that knows the four keys a result needs
 * (numbers with a few digits take an exact shortcut; the rest go through {@link
 * Double#parseDouble}, so every value is the correctly rounded double Python's {@code json} also
 * produces). It checks only the JSON it relies on; on anything unexpected it gives up ({@link
 * #parse} returns null) and the caller rereads the file with the streaming reader, which reports
 * the first problem in the file with the usual message.
 */
final class ResultsFastParser {
  private static final int MIN_PIECE = 1 << 20;

  /** Raw results in file order. */
  record Raw(
      long[] imageId,
      long[] categoryId,
      double[] x,
      double[] y,
      double[] w,
      double[] h,
      double[] score) {
    int size() {
      return score.length;
    }
  }

  /** Thrown inside the parser when the input leaves the fast path. */
  private static final class GiveUp extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GiveUp() {
      super(null, null, false, false);
    }
  }

  private static final GiveUp GIVE_UP = new GiveUp();

  private ResultsFastParser() {}

  /** Parses a whole result file, or returns null to ask for the streaming reader. */
  static Raw parse(byte[] bytes, ForkJoinPool pool) {
    return parse(bytes, pool, MIN_PIECE);
  }

  /** As {@link #parse(byte[], ForkJoinPool)}, cutting pieces of at least {@code minPiece} bytes. */
  static Raw parse(byte[] bytes, ForkJoinPool pool, int minPiece) {
    try {
      int start = skipWs(bytes, 0, bytes.length);
      if (start >= bytes.length || bytes[start] != '[') {
        return null;
      }
      int end = bytes.length;
      while (end > start && isWs(bytes[end - 1])) {
        end--;
      }
      if (end <= start + 1 || bytes[end - 1] != ']') {
        return null;
      }
      int from = start + 1;
      int to = end - 1;
      if (skipWs(bytes, from, to) == to) {
        return new Raw(
            new long[0],
            new long[0],
            new double[0],
            new double[0],
            new double[0],
            new double[0],
            new double[0]);
      }
      int pieces = Math.max(1, Math.min(Parallel.threads(pool) * 4, (to - from) / minPiece));
      int[] cuts = cuts(bytes, from, to, pieces);
      if (cuts == null) {
        return null;
      }
      int n = cuts.length / 2;
      Raw[] parts = new Raw[n];
      if (n == 1) {
        parts[0] = new Piece(bytes, cuts[0], cuts[1]).parse();
      } else {
        List<RecursiveTask<Raw>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          int a = cuts[2 * i];
          int b = cuts[2 * i + 1];
          tasks.add(
              new RecursiveTask<Raw>() {
                private static final long serialVersionUID = 1L;

                @Override
                protected Raw compute() {
                  return new Piece(bytes, a, b).parse();
                }
              });
        }
        Parallel.run(
            pool,
            new RecursiveTask<Void>() {
              private static final long serialVersionUID = 1L;

              @Override
              protected Void compute() {
                invokeAll(tasks);
                return null;
              }
            });
        for (int i = 0; i < n; i++) {
          parts[i] = tasks.get(i).join();
        }
      }
      return concat(parts);
    } catch (RuntimeException e) {
      return null; // GiveUp, or anything unexpected: the streaming reader will say what is wrong
    }
  }

  /**
   * Cuts {@code [from, to)} (the inside of the top-level array) into about {@code pieces} runs of
   * whole elements at top-level commas: returns {@code [start0, end0, start1, end1, ...]}, the
   * commas themselves left out.
   */
  private static int[] cuts(byte[] b, int from, int to, int pieces) {
    int[] cuts = new int[2 * pieces];
    int n = 0;
    cuts[n++] = from;
    long step = (long) (to - from) / pieces;
    long next = from + step;
    int depth = 0;
    int i = from;
    while (i < to && n < 2 * pieces - 1) {
      byte c = b[i];
      if (c == '"') {
        i = skipString(b, i, to);
        continue;
      }
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
        if (depth < 0) {
          return null;
        }
      } else if (c == ',' && depth == 0 && i >= next) {
        cuts[n++] = i;
        cuts[n++] = i + 1;
        next = i + step;
      }
      i++;
    }
    cuts[n++] = to;
    return Arrays.copyOf(cuts, n);
  }

  private static Raw concat(Raw[] parts) {
    int total = 0;
    for (Raw p : parts) {
      total += p.size();
    }
    long[] img = new long[total];
    long[] cat = new long[total];
    double[] x = new double[total];
    double[] y = new double[total];
    double[] w = new double[total];
    double[] h = new double[total];
    double[] s = new double[total];
    int at = 0;
    for (Raw p : parts) {
      int n = p.size();
      System.arraycopy(p.imageId, 0, img, at, n);
      System.arraycopy(p.categoryId, 0, cat, at, n);
      System.arraycopy(p.x, 0, x, at, n);
      System.arraycopy(p.y, 0, y, at, n);
      System.arraycopy(p.w, 0, w, at, n);
      System.arraycopy(p.h, 0, h, at, n);
      System.arraycopy(p.score, 0, s, at, n);
      at += n;
    }
    return new Raw(img, cat, x, y, w, h, s);
  }

  /** One run of whole elements separated by commas (no leading comma, no trailing comma). */
  private static final class Piece {
    private final byte[] b;
    private final int end;
    private int pos;
    private int count;
    private long[] img = new long[1024];
    private long[] cat = new long[1024];
    private double[] x = new double[1024];
    private double[] y = new double[1024];
    private double[] w = new double[1024];
    private double[] h = new double[1024];
    private double[] s = new double[1024];

    Piece(byte[] b, int start, int end) {
      this.b = b;
      this.pos = start;
      this.end = end;
    }

    Raw parse() {
      while (true) {
        ws();
        element();
        ws();
        if (pos == end) {
          break;
        }
        expect(',');
      }
      return new Raw(
          Arrays.copyOf(img, count),
          Arrays.copyOf(cat, count),
          Arrays.copyOf(x, count),
          Arrays.copyOf(y, count),
          Arrays.copyOf(w, count),
          Arrays.copyOf(h, count),
          Arrays.copyOf(s, count));
    }

    private void element() {
      expect('{');
      int seen = 0;
      long imageId = 0;
      long categoryId = 0;
      double score = 0;
      double bx = 0;
      double by = 0;
      double bw = 0;
      double bh = 0;
      ws();
      if (peek() != '}') {
        while (true) {
          ws();
          int key = key();
          ws();
          expect(':');
          ws();
          switch (key) {
            case 1 -> {
              imageId = integer();
              seen |= 1;
            }
            case 2 -> {
              categoryId = integer();
              seen |= 2;
            }
            case 3 -> {
              expect('[');
              ws();
              bx = number();
              comma();
              by = number();
              comma();
              bw = number();
              comma();
              bh = number();
              ws();
              expect(']');
              seen |= 4;
            }
            case 4 -> {
              score = number();
              seen |= 8;
            }
            default -> skipValue(0);
          }
          ws();
          if (peek() == ',') {
            pos++;
            continue;
          }
          break;
        }
      }
      expect('}');
      if (seen != 15) {
        throw GIVE_UP;
      }
      if (count == s.length) {
        grow();
      }
      img[count] = imageId;
      cat[count] = categoryId;
      x[count] = bx;
      y[count] = by;
      w[count] = bw;
      h[count] = bh;
      s[count] = score;
      count++;
    }

    private void comma() {
      ws();
      expect(',');
      ws();
    }

    /** 1 image_id, 2 category_id, 3 bbox, 4 score, 0 any other key. */
    private int key() {
      expect('"');
      int start = pos;
      while (pos < end && b[pos] != '"') {
        if (b[pos] == '\\') {
          throw GIVE_UP; // escaped keys: leave them to the streaming reader
        }
        pos++;
      }
      if (pos >= end) {
        throw GIVE_UP;
      }
      int len = pos - start;
      pos++;
      if (len == 8 && matches(start, "image_id")) {
        return 1;
      }
      if (len == 11 && matches(start, "category_id")) {
        return 2;
      }
      if (len == 4 && matches(start, "bbox")) {
        return 3;
      }
      if (len == 5 && matches(start, "score")) {
        return 4;
      }
      return 0;
    }

    private boolean matches(int start, String s) {
      for (int i = 0; i < s.length(); i++) {
        if (b[start + i] != s.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    /** An integer id; an integral number such as 7.0 is accepted as the streaming reader does. */
    private long integer() {
      int start = pos;
      boolean neg = false;
      if (pos < end && b[pos] == '-') {
        neg = true;
        pos++;
      }
      long v = 0;
      int digits = 0;
      while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
        v = v * 10 + (b[pos] - '0');
        digits++;
        pos++;
      }
      if (digits == 0 || digits > 18) {
        throw GIVE_UP;
      }
      if (pos < end && (b[pos] == '.' || b[pos] == 'e' || b[pos] == 'E')) {
        pos = start;
        double d = number();
        if (d != Math.rint(d) || Math.abs(d) >= 0x1p62) {
          throw GIVE_UP;
        }
        return (long) d;
      }
      return neg ? -v : v;
    }

    /** A JSON number (or Python's NaN / Infinity / -Infinity) as the correctly rounded double. */
    private double number() {
      int start = pos;
      boolean neg = false;
      if (pos < end && b[pos] == '-') {
        neg = true;
        pos++;
      }
      if (pos < end && (b[pos] == 'N' || b[pos] == 'I')) {
        if (literal("NaN")) {
          if (neg) {
            throw GIVE_UP;
          }
          return Double.NaN;
        }
        if (literal("Infinity")) {
          return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        throw GIVE_UP;
      }
      long m = 0;
      int sig = 0; // significant digits, all in m (unsigned) while there are at most 19
      int exp10 = 0;
      int intDigits = 0;
      while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
        int d = b[pos] - '0';
        if (m != 0 || d != 0) {
          if (sig < 19) {
            m = m * 10 + d;
          }
          sig++;
        }
        intDigits++;
        pos++;
      }
      if (intDigits == 0) {
        throw GIVE_UP;
      }
      if (pos < end && b[pos] == '.') {
        pos++;
        int fracDigits = 0;
        while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
          int d = b[pos] - '0';
          if (m != 0 || d != 0) {
            if (sig < 19) {
              m = m * 10 + d;
            }
            sig++;
          }
          exp10--;
          fracDigits++;
          pos++;
        }
        if (fracDigits == 0) {
          throw GIVE_UP;
        }
      }
      if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
        pos++;
        boolean eneg = false;
        if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
          eneg = b[pos] == '-';
          pos++;
        }
        int e = 0;
        int ed = 0;
        while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
          if (e < 100000) {
            e = e * 10 + (b[pos] - '0');
          }
          ed++;
          pos++;
        }
        if (ed == 0) {
          throw GIVE_UP;
        }
        exp10 += eneg ? -e : e;
      }
      if (sig <= 19) {
        double v = DecimalToDouble.toDouble(m, exp10);
        if (!Double.isNaN(v)) {
          return neg ? -v : v;
        }
      }
      return Double.parseDouble(new String(b, start, pos - start, StandardCharsets.ISO_8859_1));
    }

    private boolean literal(String word) {
      if (end - pos < word.length()) {
        return false;
      }
      for (int i = 0; i < word.length(); i++) {
        if (b[pos + i] != word.charAt(i)) {
          return false;
        }
      }
      pos += word.length();
      return true;
    }

    /** Skips any JSON value. */
    private void skipValue(int depth) {
      if (depth > 256) {
        throw GIVE_UP;
      }
      byte c = peek();
      switch (c) {
        case '"' -> pos = skipString(b, pos, end);
        case '{' -> {
          pos++;
          ws();
          if (peek() == '}') {
            pos++;
            return;
          }
          while (true) {
            ws();
            if (peek() != '"') {
              throw GIVE_UP;
            }
            pos = skipString(b, pos, end);
            ws();
            expect(':');
            ws();
            skipValue(depth + 1);
            ws();
            if (peek() == ',') {
              pos++;
              continue;
            }
            expect('}');
            return;
          }
        }
        case '[' -> {
          pos++;
          ws();
          if (peek() == ']') {
            pos++;
            return;
          }
          while (true) {
            ws();
            skipValue(depth + 1);
            ws();
            if (peek() == ',') {
              pos++;
              continue;
            }
            expect(']');
            return;
          }
        }
        case 't' -> {
          if (!literal("true")) {
            throw GIVE_UP;
          }
        }
        case 'f' -> {
          if (!literal("false")) {
            throw GIVE_UP;
          }
        }
        case 'n' -> {
          if (!literal("null")) {
            throw GIVE_UP;
          }
        }
        default -> number();
      }
    }

    private byte peek() {
      if (pos >= end) {
        throw GIVE_UP;
      }
      return b[pos];
    }

    private void expect(char c) {
      if (pos >= end || b[pos] != c) {
        throw GIVE_UP;
      }
      pos++;
    }

    private void ws() {
      pos = skipWs(b, pos, end);
    }

    private void grow() {
      int cap = count * 2;
      img = Arrays.copyOf(img, cap);
      cat = Arrays.copyOf(cat, cap);
      x = Arrays.copyOf(x, cap);
      y = Arrays.copyOf(y, cap);
      w = Arrays.copyOf(w, cap);
      h = Arrays.copyOf(h, cap);
      s = Arrays.copyOf(s, cap);
    }
  }

  /** The position just after the string starting at {@code i} (a quote). */
  private static int skipString(byte[] b, int i, int end) {
    i++;
    while (i < end) {
      byte c = b[i];
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '"') {
        return i + 1;
      }
      if (c >= 0 && c < 0x20) {
        throw GIVE_UP; // control characters must be escaped
      }
      i++;
    }
    throw GIVE_UP;
  }

  private static boolean isWs(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  private static int skipWs(byte[] b, int i, int end) {
    while (i < end && isWs(b[i])) {
      i++;
    }
    return i;
  }
}
