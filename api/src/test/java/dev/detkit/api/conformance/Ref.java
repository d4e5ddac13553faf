package dev.detkit.api.conformance;

import java.util.Arrays;
import java.util.Random;

/**
 * A plain-Java dense array in float64 with naive implementations of every op the tensor API has:
 * the reference the conformance suite checks backends against. Written for clarity, not speed.
 */
public final class Ref {
  final double[] v;
  final int[] shape;

  Ref(double[] v, int... shape) {
    if (v.length != size(shape)) {
      throw new IllegalArgumentException(v.length + " values for shape " + Arrays.toString(shape));
    }
    this.v = v;
    this.shape = shape.clone();
  }

  static int size(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** Uniform values in [lo, hi), rounded to float32 so backends see exactly the same input. */
  public static Ref random(Random rnd, double lo, double hi, int... shape) {
    double[] v = new double[size(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
    }
    return new Ref(v, shape);
  }

  public static Ref of(double[] v, int... shape) {
    return new Ref(v.clone(), shape);
  }

  public float[] floats() {
    float[] f = new float[v.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  public int[] shape() {
    return shape.clone();
  }

  int rank() {
    return shape.length;
  }

  static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  static int[] unravel(int flat, int[] shape) {
    int[] idx = new int[shape.length];
    for (int i = shape.length - 1; i >= 0; i--) {
      idx[i] = flat % shape[i];
      flat /= shape[i];
    }
    return idx;
  }

  double at(int... idx) {
    int[] st = strides(shape);
    int off = 0;
    for (int i = 0; i < idx.length; i++) {
      off += idx[i] * st[i];
    }
    return v[off];
  }

  /** Element at a broadcast index (size-1 axes repeat, missing leading axes are implied). */
  double atBroadcast(int[] outIdx) {
    int[] st = strides(shape);
    int off = 0;
    int lead = outIdx.length - shape.length;
    for (int i = 0; i < shape.length; i++) {
      off += (shape[i] == 1 ? 0 : outIdx[i + lead]) * st[i];
    }
    return v[off];
  }

  interface Fn2 {
    double apply(double a, double b);
  }

  interface Fn1 {
    double apply(double a);
  }

  static int[] broadcastShape(int[] a, int[] b) {
    int r = Math.max(a.length, b.length);
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i < r - a.length ? 1 : a[i - (r - a.length)];
      int db = i < r - b.length ? 1 : b[i - (r - b.length)];
      out[i] = Math.max(da, db);
    }
    return out;
  }

  public Ref zip(Ref o, Fn2 f) {
    int[] out = broadcastShape(shape, o.shape);
    double[] r = new double[size(out)];
    for (int i = 0; i < r.length; i++) {
      int[] idx = unravel(i, out);
      r[i] = f.apply(atBroadcast(idx), o.atBroadcast(idx));
    }
    return new Ref(r, out);
  }

  public Ref map(Fn1 f) {
    double[] r = new double[v.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = f.apply(v[i]);
    }
    return new Ref(r, shape);
  }

  public static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /** {@code log(1 + exp(x))} in double, without overflow. */
  public static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /** Sum or mean over the given axes (keepDims false). */
  public Ref reduce(int[] axes, boolean mean, boolean max) {
    boolean[] red = new boolean[rank()];
    for (int a : axes) {
      red[a < 0 ? a + rank() : a] = true;
    }
    int[] outShape = Arrays.stream(range(rank())).filter(i -> !red[i]).map(i -> shape[i]).toArray();
    double[] r = new double[size(outShape)];
    int[] count = new int[r.length];
    Arrays.fill(r, max ? Double.NEGATIVE_INFINITY : 0);
    for (int i = 0; i < v.length; i++) {
      int[] idx = unravel(i, shape);
      int[] o = Arrays.stream(range(rank())).filter(k -> !red[k]).map(k -> idx[k]).toArray();
      int off = 0;
      int[] st = strides(outShape);
      for (int k = 0; k < o.length; k++) {
        off += o[k] * st[k];
      }
      r[off] = max ? Math.max(r[off], v[i]) : r[off] + v[i];
      count[off]++;
    }
    if (mean) {
      for (int i = 0; i < r.length; i++) {
        r[i] /= count[i];
      }
    }
    return new Ref(r, outShape);
  }

  static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  /** Convolution with explicit asymmetric zero padding (top, bottom, left, right). */
  public static Ref conv2d(
      Ref x, Ref w, Ref b, int sh, int sw, int[] pad, int dh, int dw, int groups) {
    int n = x.shape[0];
    int c = x.shape[1];
    int h = x.shape[2];
    int wd = x.shape[3];
    int o = w.shape[0];
    int cg = w.shape[1];
    int kh = w.shape[2];
    int kw = w.shape[3];
    int oh = (h + pad[0] + pad[1] - dh * (kh - 1) - 1) / sh + 1;
    int ow = (wd + pad[2] + pad[3] - dw * (kw - 1) - 1) / sw + 1;
    int og = o / groups;
    double[] r = new double[n * o * oh * ow];
    for (int ni = 0; ni < n; ni++) {
      for (int oi = 0; oi < o; oi++) {
        int g = oi / og;
        for (int y = 0; y < oh; y++) {
          for (int xx = 0; xx < ow; xx++) {
            double acc = b == null ? 0 : b.v[oi];
            for (int ci = 0; ci < cg; ci++) {
              int cin = g * cg + ci;
              for (int i = 0; i < kh; i++) {
                int iy = y * sh + i * dh - pad[0];
                if (iy < 0 || iy >= h) {
                  continue;
                }
                for (int j = 0; j < kw; j++) {
                  int ix = xx * sw + j * dw - pad[2];
                  if (ix < 0 || ix >= wd) {
                    continue;
                  }
                  acc +=
                      x.v[((ni * c + cin) * h + iy) * wd + ix]
                          * w.v[((oi * cg + ci) * kh + i) * kw + j];
                }
              }
            }
            r[((ni * o + oi) * oh + y) * ow + xx] = acc;
          }
        }
      }
    }
    if (c != cg * groups) {
      throw new IllegalArgumentException("reference conv: channel mismatch");
    }
    return new Ref(r, n, o, oh, ow);
  }

  /**
   * d(sum(conv2d(x, w) * g))/dx for a dense stride-1 convolution with symmetric zero padding {@code
   * pad}: the input gradient, a transposed convolution of {@code g}.
   */
  public static Ref conv2dInputGrad(Ref g, Ref w, int[] xShape, int pad) {
    int n = xShape[0];
    int c = xShape[1];
    int h = xShape[2];
    int wd = xShape[3];
    int o = w.shape[0];
    int kh = w.shape[2];
    int kw = w.shape[3];
    int oh = g.shape[2];
    int ow = g.shape[3];
    double[] r = new double[size(xShape)];
    for (int ni = 0; ni < n; ni++) {
      for (int oi = 0; oi < o; oi++) {
        for (int y = 0; y < oh; y++) {
          for (int xx = 0; xx < ow; xx++) {
            double gv = g.v[((ni * o + oi) * oh + y) * ow + xx];
            for (int ci = 0; ci < c; ci++) {
              for (int i = 0; i < kh; i++) {
                int iy = y + i - pad;
                for (int j = 0; j < kw; j++) {
                  int ix = xx + j - pad;
                  if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                    r[((ni * c + ci) * h + iy) * wd + ix] +=
                        gv * w.v[((oi * c + ci) * kh + i) * kw + j];
                  }
                }
              }
            }
          }
        }
      }
    }
    return new Ref(r, xShape);
  }

  /** d(sum(conv2d(x, w)))/dw for a stride/padding/dilation/groups geometry. */
  public static Ref conv2dWeightGradOfSum(
      Ref x, int[] wShape, int sh, int sw, int[] pad, int dh, int dw, int groups) {
    int n = x.shape[0];
    int c = x.shape[1];
    int h = x.shape[2];
    int wd = x.shape[3];
    int o = wShape[0];
    int cg = wShape[1];
    int kh = wShape[2];
    int kw = wShape[3];
    int oh = (h + pad[0] + pad[1] - dh * (kh - 1) - 1) / sh + 1;
    int ow = (wd + pad[2] + pad[3] - dw * (kw - 1) - 1) / sw + 1;
    int og = o / groups;
    double[] g = new double[size(wShape)];
    for (int oi = 0; oi < o; oi++) {
      int grp = oi / og;
      for (int ci = 0; ci < cg; ci++) {
        for (int i = 0; i < kh; i++) {
          for (int j = 0; j < kw; j++) {
            double acc = 0;
            for (int ni = 0; ni < n; ni++) {
              for (int y = 0; y < oh; y++) {
                int iy = y * sh + i * dh - pad[0];
                if (iy < 0 || iy >= h) {
                  continue;
                }
                for (int xx = 0; xx < ow; xx++) {
                  int ix = xx * sw + j * dw - pad[2];
                  if (ix >= 0 && ix < wd) {
                    acc += x.v[((ni * c + grp * cg + ci) * h + iy) * wd + ix];
                  }
                }
              }
            }
            g[((oi * cg + ci) * kh + i) * kw + j] = acc;
          }
        }
      }
    }
    return new Ref(g, wShape);
  }

  /** Batch norm over axis 1; in training mode also returns updated running stats in out[1..2]. */
  /**
   * {@code nn.GroupNorm} on NCHW {@code x}: each sample's group of {@code c / groups} channels
   * normalised by its mean and biased variance, then {@code * gamma[c] + beta[c]}. With {@code dy},
   * also the input gradient of {@code sum(y * dy)} (returned second).
   */
  public static Ref[] groupNorm(Ref x, int groups, Ref gamma, Ref beta, double eps, Ref dy) {
    int n = x.shape[0];
    int c = x.shape[1];
    int inner = x.v.length / (n * c);
    int per = c / groups * inner;
    double[] y = new double[x.v.length];
    double[] dx = new double[x.v.length];
    for (int ni = 0; ni < n; ni++) {
      for (int gi = 0; gi < groups; gi++) {
        int base = (ni * c + gi * (c / groups)) * inner;
        double s = 0;
        for (int k = 0; k < per; k++) {
          s += x.v[base + k];
        }
        double mu = s / per;
        double sq = 0;
        for (int k = 0; k < per; k++) {
          sq += (x.v[base + k] - mu) * (x.v[base + k] - mu);
        }
        double inv = 1 / Math.sqrt(sq / per + eps);
        double meanG = 0;
        double meanGx = 0;
        for (int k = 0; k < per; k++) {
          int ch = (base + k) / inner % c;
          double xhat = (x.v[base + k] - mu) * inv;
          y[base + k] = xhat * gamma.v[ch] + beta.v[ch];
          double g = dy.v[base + k] * gamma.v[ch];
          meanG += g / per;
          meanGx += g * xhat / per;
        }
        for (int k = 0; k < per; k++) {
          int ch = (base + k) / inner % c;
          double xhat = (x.v[base + k] - mu) * inv;
          dx[base + k] = inv * (dy.v[base + k] * gamma.v[ch] - meanG - xhat * meanGx);
        }
      }
    }
    return new Ref[] {new Ref(y, x.shape), new Ref(dx, x.shape)};
  }

  public static Ref[] batchNorm(
      Ref x,
      Ref mean,
      Ref var,
      Ref gamma,
      Ref beta,
      boolean training,
      double momentum,
      double eps) {
    int n = x.shape[0];
    int c = x.shape[1];
    int inner = x.v.length / (n * c);
    double[] useMean = mean.v.clone();
    double[] useVar = var.v.clone();
    double[] newMean = mean.v.clone();
    double[] newVar = var.v.clone();
    if (training) {
      int m = n * inner;
      for (int ci = 0; ci < c; ci++) {
        double s = 0;
        for (int ni = 0; ni < n; ni++) {
          for (int k = 0; k < inner; k++) {
            s += x.v[(ni * c + ci) * inner + k];
          }
        }
        double mu = s / m;
        double sq = 0;
        for (int ni = 0; ni < n; ni++) {
          for (int k = 0; k < inner; k++) {
            double d = x.v[(ni * c + ci) * inner + k] - mu;
            sq += d * d;
          }
        }
        useMean[ci] = mu;
        useVar[ci] = sq / m;
        newMean[ci] = (1 - momentum) * mean.v[ci] + momentum * mu;
        newVar[ci] = (1 - momentum) * var.v[ci] + momentum * sq / (m - 1);
      }
    }
    double[] r = new double[x.v.length];
    for (int i = 0; i < r.length; i++) {
      int ci = (i / inner) % c;
      r[i] = (x.v[i] - useMean[ci]) / Math.sqrt(useVar[ci] + eps) * gamma.v[ci] + beta.v[ci];
    }
    return new Ref[] {new Ref(r, x.shape), new Ref(newMean, c), new Ref(newVar, c)};
  }

  public static Ref maxPool2d(Ref x, int k, int s, int p) {
    int n = x.shape[0];
    int c = x.shape[1];
    int h = x.shape[2];
    int w = x.shape[3];
    int oh = (h + 2 * p - k) / s + 1;
    int ow = (w + 2 * p - k) / s + 1;
    double[] r = new double[n * c * oh * ow];
    for (int nc = 0; nc < n * c; nc++) {
      for (int y = 0; y < oh; y++) {
        for (int xx = 0; xx < ow; xx++) {
          double m = Double.NEGATIVE_INFINITY;
          for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
              int iy = y * s + i - p;
              int ix = xx * s + j - p;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                m = Math.max(m, x.v[(nc * h + iy) * w + ix]);
              }
            }
          }
          r[(nc * oh + y) * ow + xx] = m;
        }
      }
    }
    return new Ref(r, n, c, oh, ow);
  }

  /** PyTorch's nearest source index: float32 scale in/out, floor, clamp. */
  public static int nearestSource(int dst, int in, int out) {
    float scale = (float) in / out;
    return Math.min((int) Math.floor(dst * scale), in - 1);
  }

  public static Ref interpolateNearest(Ref x, int oh, int ow) {
    int nc = x.shape[0] * x.shape[1];
    int h = x.shape[2];
    int w = x.shape[3];
    double[] r = new double[nc * oh * ow];
    for (int i = 0; i < nc; i++) {
      for (int y = 0; y < oh; y++) {
        for (int xx = 0; xx < ow; xx++) {
          r[(i * oh + y) * ow + xx] =
              x.v[(i * h + nearestSource(y, h, oh)) * w + nearestSource(xx, w, ow)];
        }
      }
    }
    return new Ref(r, x.shape[0], x.shape[1], oh, ow);
  }

  /** Pads the last two axes: (top, bottom, left, right). */
  public static Ref pad2d(Ref x, int[] p, double value) {
    int r = x.rank();
    int h = x.shape[r - 2];
    int w = x.shape[r - 1];
    int oh = h + p[0] + p[1];
    int ow = w + p[2] + p[3];
    int outer = x.v.length / (h * w);
    double[] o = new double[outer * oh * ow];
    Arrays.fill(o, value);
    for (int i = 0; i < outer; i++) {
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          o[(i * oh + y + p[0]) * ow + xx + p[2]] = x.v[(i * h + y) * w + xx];
        }
      }
    }
    int[] s = x.shape.clone();
    s[r - 2] = oh;
    s[r - 1] = ow;
    return new Ref(o, s);
  }

  public Ref permute(int... axes) {
    int[] out = new int[rank()];
    for (int i = 0; i < out.length; i++) {
      out[i] = shape[axes[i]];
    }
    double[] r = new double[v.length];
    for (int i = 0; i < r.length; i++) {
      int[] oi = unravel(i, out);
      int[] ii = new int[rank()];
      for (int k = 0; k < rank(); k++) {
        ii[axes[k]] = oi[k];
      }
      r[i] = at(ii);
    }
    return new Ref(r, out);
  }

  public Ref slice(int axis, int start, int end, int step) {
    int[] out = shape.clone();
    out[axis] = (end - start + step - 1) / step;
    double[] r = new double[size(out)];
    for (int i = 0; i < r.length; i++) {
      int[] idx = unravel(i, out);
      idx[axis] = start + idx[axis] * step;
      r[i] = at(idx);
    }
    return new Ref(r, out);
  }

  public static Ref concat(int axis, Ref... parts) {
    int[] out = parts[0].shape.clone();
    out[axis] = 0;
    for (Ref p : parts) {
      out[axis] += p.shape[axis];
    }
    double[] r = new double[size(out)];
    for (int i = 0; i < r.length; i++) {
      int[] idx = unravel(i, out);
      int k = idx[axis];
      for (Ref p : parts) {
        if (k < p.shape[axis]) {
          idx[axis] = k;
          r[i] = p.at(idx);
          break;
        }
        k -= p.shape[axis];
      }
    }
    return new Ref(r, out);
  }

  public Ref indexSelect(int axis, long[] index) {
    int[] out = shape.clone();
    out[axis] = index.length;
    double[] r = new double[size(out)];
    for (int i = 0; i < r.length; i++) {
      int[] idx = unravel(i, out);
      idx[axis] = (int) index[idx[axis]];
      r[i] = at(idx);
    }
    return new Ref(r, out);
  }

  public Ref gather(int axis, long[] index, int[] indexShape) {
    double[] r = new double[index.length];
    for (int i = 0; i < r.length; i++) {
      int[] idx = unravel(i, indexShape);
      idx[axis] = (int) index[i];
      r[i] = at(idx);
    }
    return new Ref(r, indexShape);
  }

  public Ref matmul(Ref o) {
    int m = shape[rank() - 2];
    int k = shape[rank() - 1];
    int n = o.shape[rank() - 1];
    int batch = v.length / (m * k);
    double[] r = new double[batch * m * n];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double acc = 0;
          for (int t = 0; t < k; t++) {
            acc += v[(b * m + i) * k + t] * o.v[(b * k + t) * n + j];
          }
          r[(b * m + i) * n + j] = acc;
        }
      }
    }
    int[] out = shape.clone();
    out[rank() - 1] = n;
    return new Ref(r, out);
  }

  /** Stable top-k of a rank-1 array: indices of the k largest (ties: lower index first). */
  public static long[] topKIndices(double[] values, int k, boolean largest) {
    Integer[] idx = new Integer[values.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(
        idx,
        (a, b) ->
            largest ? Double.compare(values[b], values[a]) : Double.compare(values[a], values[b]));
    long[] out = new long[k];
    for (int i = 0; i < k; i++) {
      out[i] = idx[i];
    }
    return out;
  }
}
