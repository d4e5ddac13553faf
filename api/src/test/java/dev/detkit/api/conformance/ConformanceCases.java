package dev.detkit.api.conformance;

import dev.detkit.api.tensor.Conv2dOptions;
import dev.detkit.api.tensor.Padding2d;
import dev.detkit.api.tensor.ReduceOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The random-input cases every backend runs against the plain-Java reference, and that the
 * cross-backend test runs on two backends at once. Sizes are small so the reference stays fast.
 */
public final class ConformanceCases {
  private ConformanceCases() {}

  private static Ref r(Random rnd, int... shape) {
    return Ref.random(rnd, -1, 1, shape);
  }

  /** Every case, each with its own seeded inputs. */
  public static List<OpCase> all() {
    Random rnd = new Random(20261125);
    List<OpCase> cs = new ArrayList<>();

    cs.add(
        conv(
            "conv3x3 s1 p1 bias",
            r(rnd, 2, 3, 7, 9),
            r(rnd, 4, 3, 3, 3),
            r(rnd, 4),
            1,
            Padding2d.of(1),
            1,
            1));
    cs.add(conv("conv1x1", r(rnd, 1, 8, 5, 6), r(rnd, 5, 8, 1, 1), null, 1, Padding2d.NONE, 1, 1));
    cs.add(
        conv(
            "conv3x3 s2 tf-same even",
            r(rnd, 1, 3, 8, 10),
            r(rnd, 4, 3, 3, 3),
            null,
            2,
            Padding2d.tfSame(8, 10, 3, 3, 2, 2, 1, 1),
            1,
            1));
    cs.add(
        conv(
            "conv5x5 s2 tf-same even",
            r(rnd, 1, 2, 10, 12),
            r(rnd, 3, 2, 5, 5),
            null,
            2,
            Padding2d.tfSame(10, 12, 5, 5, 2, 2, 1, 1),
            1,
            1));
    cs.add(
        conv(
            "conv3x3 s2 tf-same odd",
            r(rnd, 1, 2, 9, 7),
            r(rnd, 3, 2, 3, 3),
            null,
            2,
            Padding2d.tfSame(9, 7, 3, 3, 2, 2, 1, 1),
            1,
            1));
    cs.add(
        conv(
            "depthwise3x3 s1",
            r(rnd, 2, 6, 8, 8),
            r(rnd, 6, 1, 3, 3),
            null,
            1,
            Padding2d.of(1),
            1,
            6));
    cs.add(
        conv(
            "depthwise5x5 s2 tf-same",
            r(rnd, 1, 4, 12, 10),
            r(rnd, 4, 1, 5, 5),
            null,
            2,
            Padding2d.tfSame(12, 10, 5, 5, 2, 2, 1, 1),
            1,
            4));
    cs.add(
        conv(
            "grouped dilated",
            r(rnd, 1, 4, 9, 9),
            r(rnd, 6, 2, 3, 3),
            r(rnd, 6),
            1,
            Padding2d.of(2),
            2,
            2));

    Ref bx = r(rnd, 2, 3, 4, 5);
    Ref mean = r(rnd, 3);
    Ref var = Ref.random(rnd, 0.5, 2, 3);
    Ref gamma = r(rnd, 3);
    Ref beta = r(rnd, 3);
    cs.add(
        new OpCase(
            "batchNorm inference",
            List.of(bx, mean, var, gamma, beta),
            (b, t) -> t[0].batchNorm(t[1], t[2], t[3], t[4], false, 0.1, 1e-3),
            x -> Ref.batchNorm(x[0], x[1], x[2], x[3], x[4], false, 0.1, 1e-3)[0]));

    Ref u = Ref.random(rnd, -4, 4, 3, 4, 5);
    Ref pos = Ref.random(rnd, 0.01, 5, 3, 4, 5);
    cs.add(unary("relu", u, (b, t) -> t[0].relu(), a -> Math.max(a, 0)));
    cs.add(unary("sigmoid", u, (b, t) -> t[0].sigmoid(), Ref::sigmoid));
    cs.add(unary("silu", u, (b, t) -> t[0].silu(), a -> a * Ref.sigmoid(a)));
    cs.add(unary("exp", u, (b, t) -> t[0].exp(), Math::exp));
    cs.add(unary("softplus", u, (b, t) -> t[0].softplus(), Ref::softplus));
    Ref wide = Ref.random(rnd, -120, 120, 4, 25);
    cs.add(unary("softplus of large |x|", wide, (b, t) -> t[0].softplus(), Ref::softplus));
    cs.add(unary("pow 2", u, (b, t) -> t[0].pow(2), a -> a * a));
    cs.add(unary("pow 1.5", pos, (b, t) -> t[0].pow(1.5), a -> Math.pow(a, 1.5)));
    cs.add(unary("log", pos, (b, t) -> t[0].log(), Math::log));
    cs.add(unary("sqrt", pos, (b, t) -> t[0].sqrt(), Math::sqrt));
    cs.add(unary("abs", u, (b, t) -> t[0].abs(), Math::abs));
    cs.add(unary("neg", u, (b, t) -> t[0].neg(), a -> -a));
    cs.add(unary("clamp", u, (b, t) -> t[0].clamp(-1.5, 2), a -> Math.min(Math.max(a, -1.5), 2)));
    cs.add(unary("floor", u, (b, t) -> t[0].floor(), Math::floor));
    cs.add(unary("mul scalar", u, (b, t) -> t[0].mul(0.25).add(3), a -> a * 0.25 + 3));

    Ref ba = r(rnd, 2, 3, 1, 5);
    Ref bb = r(rnd, 3, 4, 1);
    cs.add(binary("add broadcast", ba, bb, (b, t) -> t[0].add(t[1]), Double::sum));
    cs.add(binary("sub broadcast", ba, bb, (b, t) -> t[0].sub(t[1]), (p, q) -> p - q));
    cs.add(binary("mul broadcast", ba, bb, (b, t) -> t[0].mul(t[1]), (p, q) -> p * q));
    Ref nz = Ref.random(rnd, 0.5, 2, 3, 4, 1);
    cs.add(binary("div broadcast", ba, nz, (b, t) -> t[0].div(t[1]), (p, q) -> p / q));
    cs.add(binary("maximum", ba, bb, (b, t) -> t[0].maximum(t[1]), Math::max));
    cs.add(binary("minimum", ba, bb, (b, t) -> t[0].minimum(t[1]), Math::min));
    Ref scalarLike = r(rnd, 1);
    cs.add(binary("add rank-1 to rank-4", ba, scalarLike, (b, t) -> t[0].add(t[1]), Double::sum));

    Ref red = r(rnd, 2, 3, 4, 5);
    cs.add(
        new OpCase(
            "sum axes 1,3",
            List.of(red),
            (b, t) -> t[0].sum(1, 3),
            x -> x[0].reduce(new int[] {1, 3}, false, false)));
    cs.add(
        new OpCase(
            "mean axes 2,3",
            List.of(red),
            (b, t) -> t[0].mean(2, 3),
            x -> x[0].reduce(new int[] {2, 3}, true, false)));
    cs.add(
        new OpCase(
            "max axis 1",
            List.of(red),
            (b, t) -> t[0].max(1),
            x -> x[0].reduce(new int[] {1}, false, true)));
    cs.add(
        new OpCase(
            "sum all",
            List.of(red),
            (b, t) -> t[0].sum(),
            x -> x[0].reduce(new int[] {0, 1, 2, 3}, false, false)));
    cs.add(
        new OpCase(
            "sum keepDims",
            List.of(red),
            (b, t) -> t[0].reduce(ReduceOp.SUM, true, 0),
            x -> {
              Ref s = x[0].reduce(new int[] {0}, false, false);
              return new Ref(s.v, 1, 3, 4, 5);
            }));

    Ref img = r(rnd, 2, 3, 9, 11);
    cs.add(
        new OpCase(
            "maxPool k3 s2 p1",
            List.of(img),
            (b, t) -> t[0].maxPool2d(3, 2, 1),
            x -> Ref.maxPool2d(x[0], 3, 2, 1)));
    cs.add(
        new OpCase(
            "maxPool k1 s2",
            List.of(img),
            (b, t) -> t[0].maxPool2d(1, 2, 0),
            x -> Ref.maxPool2d(x[0], 1, 2, 0)));
    cs.add(
        new OpCase(
            "globalAvgPool",
            List.of(img),
            (b, t) -> t[0].globalAvgPool2d(),
            x -> new Ref(x[0].reduce(new int[] {2, 3}, true, false).v, 2, 3, 1, 1)));
    cs.add(
        new OpCase(
            "nearest 9x11->14x5",
            List.of(img),
            (b, t) -> t[0].interpolateNearest(14, 5),
            x -> Ref.interpolateNearest(x[0], 14, 5)));
    cs.add(
        new OpCase(
            "nearest 9x11->18x22",
            List.of(img),
            (b, t) -> t[0].interpolateNearest(18, 22),
            x -> Ref.interpolateNearest(x[0], 18, 22)));
    cs.add(
        new OpCase(
            "nearest 9x11->17x29",
            List.of(img),
            (b, t) -> t[0].interpolateNearest(17, 29),
            x -> Ref.interpolateNearest(x[0], 17, 29)));
    cs.add(
        new OpCase(
            "pad2d asymmetric",
            List.of(img),
            (b, t) -> t[0].pad2d(new Padding2d(0, 2, 1, 3), 0.5),
            x -> Ref.pad2d(x[0], new int[] {0, 2, 1, 3}, 0.5)));

    Ref ca = r(rnd, 2, 3, 4);
    Ref cb = r(rnd, 2, 5, 4);
    cs.add(
        new OpCase(
            "concat axis 1",
            List.of(ca, cb),
            (b, t) -> b.concat(1, t[0], t[1]),
            x -> Ref.concat(1, x[0], x[1])));
    cs.add(
        new OpCase(
            "stack axis 1",
            List.of(ca, ca.map(a -> a * 2)),
            (b, t) -> b.stack(1, t[0], t[1]),
            x -> Ref.concat(1, new Ref(x[0].v, 2, 1, 3, 4), new Ref(x[1].v, 2, 1, 3, 4))));
    cs.add(
        new OpCase(
            "permute 2,0,1",
            List.of(ca),
            (b, t) -> t[0].permute(2, 0, 1),
            x -> x[0].permute(2, 0, 1)));
    cs.add(
        new OpCase(
            "reshape of permuted",
            List.of(ca),
            (b, t) -> t[0].permute(0, 2, 1).reshape(8, -1),
            x -> {
              Ref p = x[0].permute(0, 2, 1);
              return new Ref(p.v, 8, 3);
            }));
    cs.add(
        new OpCase(
            "slice step 2",
            List.of(cb),
            (b, t) -> t[0].slice(1, 1, 5, 2),
            x -> x[0].slice(1, 1, 5, 2)));
    cs.add(
        new OpCase(
            "indexSelect",
            List.of(cb),
            (b, t) -> t[0].indexSelect(1, b.fromLongs(new long[] {4, 0, 0, 2}, 4)),
            x -> x[0].indexSelect(1, new long[] {4, 0, 0, 2})));
    long[] gidx = {1, 0, 2, 2, 0, 1, 1, 1, 0, 2, 0, 1};
    cs.add(
        new OpCase(
            "gather axis 1",
            List.of(ca),
            (b, t) -> t[0].gather(1, b.fromLongs(gidx, 2, 2, 3)),
            x -> x[0].gather(1, gidx, new int[] {2, 2, 3})));
    cs.add(
        new OpCase(
            "where",
            List.of(ba, bb),
            (b, t) -> t[0].gt(t[1]).where(t[0], t[1]),
            x -> x[0].zip(x[1], Math::max)));
    cs.add(
        new OpCase(
            "matmul batched",
            List.of(r(rnd, 3, 4, 6), r(rnd, 3, 6, 5)),
            (b, t) -> t[0].matmul(t[1]),
            x -> x[0].matmul(x[1])));
    Ref tk = r(rnd, 40);
    cs.add(
        new OpCase(
            "topK values",
            List.of(tk),
            (b, t) -> t[0].topK(7, 0, true).values(),
            x -> x[0].indexSelect(0, Ref.topKIndices(x[0].v, 7, true))));
    cs.add(
        new OpCase(
            "sort ascending values",
            List.of(tk),
            (b, t) -> t[0].sort(0, false).values(),
            x -> x[0].indexSelect(0, Ref.topKIndices(x[0].v, 40, false))));
    return cs;
  }

  private static OpCase conv(
      String name, Ref x, Ref w, Ref bias, int stride, Padding2d p, int dilation, int groups) {
    Conv2dOptions o = new Conv2dOptions(stride, stride, p, dilation, dilation, groups);
    int[] pad = {p.top(), p.bottom(), p.left(), p.right()};
    List<Ref> in = bias == null ? List.of(x, w) : List.of(x, w, bias);
    return new OpCase(
        name,
        in,
        (b, t) -> t[0].conv2d(t[1], t.length > 2 ? t[2] : null, o),
        r ->
            Ref.conv2d(
                r[0],
                r[1],
                r.length > 2 ? r[2] : null,
                stride,
                stride,
                pad,
                dilation,
                dilation,
                groups));
  }

  private static OpCase unary(
      String name,
      Ref x,
      java.util.function.BiFunction<
              dev.detkit.api.tensor.Backend,
              dev.detkit.api.tensor.Tensor[],
              dev.detkit.api.tensor.Tensor>
          op,
      Ref.Fn1 f) {
    return new OpCase(name, List.of(x), op, r -> r[0].map(f));
  }

  private static OpCase binary(
      String name,
      Ref a,
      Ref b,
      java.util.function.BiFunction<
              dev.detkit.api.tensor.Backend,
              dev.detkit.api.tensor.Tensor[],
              dev.detkit.api.tensor.Tensor>
          op,
      Ref.Fn2 f) {
    return new OpCase(name, List.of(a, b), op, r -> r[0].zip(r[1], f));
  }
}
