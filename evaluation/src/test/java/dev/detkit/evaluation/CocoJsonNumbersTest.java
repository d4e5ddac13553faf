package dev.detkit.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbers in result and annotation files become the correctly rounded double, as Python's {@code
 * float()} (and so {@code json.load}) gives: checked bit for bit against {@link
 * Double#parseDouble}, which rounds correctly too, through both of Jackson's parsers (bytes from a
 * file, characters from a reader).
 */
class CocoJsonNumbersTest {
  @TempDir Path tmp;

  /** Decimal texts: random significands of 1-25 digits with exponents, as Python may write them. */
  private static List<String> randomDecimals() {
    SplittableRandom rng = new SplittableRandom(1);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 30_000; i++) {
      int digits = 1 + rng.nextInt(25);
      StringBuilder w = new StringBuilder();
      w.append((char) ('1' + rng.nextInt(9)));
      for (int k = 1; k < digits; k++) {
        w.append((char) ('0' + rng.nextInt(10)));
      }
      int q = rng.nextInt(-345, 309 - digits); // finite: a bbox must be
      out.add(w + "e" + q);
    }
    return out;
  }

  /** Shortest and 17-digit forms of random doubles and of float32 values (mmdet's boxes). */
  private static List<String> doubleAndFloatForms() {
    SplittableRandom rng = new SplittableRandom(2);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      double d = Double.longBitsToDouble(rng.nextLong() & 0x7fefffffffffffffL);
      if (Double.isFinite(d)) {
        out.add(Double.toString(d));
        out.add(new BigDecimal(d).round(new MathContext(17)).toString());
      }
      float f = Float.intBitsToFloat(rng.nextInt() & 0x7f7fffff);
      out.add(Double.toString((double) f));
      out.add(new BigDecimal((double) f).round(new MathContext(17)).toString());
      double box = rng.nextInt(200_000) / 100.0;
      out.add(Double.toString((double) (float) box));
      out.add(Double.toString(rng.nextDouble()));
    }
    return out;
  }

  /** Integers that fall exactly halfway between two doubles round to the even one. */
  private static List<String> halfwayIntegers() {
    List<String> out = new ArrayList<>();
    for (int k = 53; k <= 63; k++) {
      long below = 1L << k;
      long ulp = 1L << (k - 52);
      for (long w : new long[] {below + ulp / 2, below + ulp + ulp / 2, below + ulp / 2 + 1}) {
        if (w > 0) {
          out.add(Long.toString(w));
          out.add(w + ".0");
        }
      }
    }
    out.add("9007199254740993");
    out.add("1.7976931348623157e308");
    out.add("4.9e-324");
    out.add("2.2250738585072011e-308");
    out.add("0.1");
    return out;
  }

  private static String resultsJson(List<String> numbers) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < numbers.size(); i++) {
      sb.append(i == 0 ? "" : ",\n")
          .append("{\"image_id\": 1, \"category_id\": 1, \"bbox\": [")
          .append(numbers.get(i))
          .append(", -")
          .append(numbers.get(i))
          .append(", 1, 1], \"score\": 0.5}");
    }
    return sb.append("]").toString();
  }

  private void checkAll(List<String> numbers) throws IOException {
    CocoGroundTruth gt =
        CocoJson.loadGroundTruth(
            Files.writeString(
                tmp.resolve("gt.json"),
                "{\"images\": [{\"id\": 1}], \"annotations\": [], \"categories\": [{\"id\": 1}]}"));
    String json = resultsJson(numbers);
    CocoDetections fromFile =
        CocoJson.loadResults(Files.writeString(tmp.resolve("dets.json"), json), gt);
    CocoDetections fromReader = CocoJson.readResults(new StringReader(json), "dets.json", gt);
    for (CocoDetections d : List.of(fromFile, fromReader)) {
      assertEquals(numbers.size(), d.size());
      for (int i = 0; i < numbers.size(); i++) {
        double want = Double.parseDouble(numbers.get(i));
        assertEquals(
            Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(d.x[i]), numbers.get(i));
        assertEquals(
            Double.doubleToRawLongBits(-want),
            Double.doubleToRawLongBits(d.y[i]),
            "-" + numbers.get(i));
      }
    }
  }

  @Test
  void randomDecimalsOfUpTo25DigitsRoundCorrectly() throws IOException {
    checkAll(randomDecimals());
  }

  @Test
  void doublesAndFloat32ValuesReadBackExactly() throws IOException {
    checkAll(doubleAndFloatForms());
  }

  @Test
  void halfwayCasesAndEdgesRoundToEven() throws IOException {
    checkAll(halfwayIntegers());
  }
}
