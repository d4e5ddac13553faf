package dev.detkit.api.conformance;

import dev.detkit.api.tensor.Backend;
import dev.detkit.api.tensor.Tensor;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One operation checked by the conformance suite: fixed (seeded) inputs, what the tensor API
 * computes from them and what the plain-Java {@link Ref} computes.
 */
public record OpCase(
    String name,
    List<Ref> inputs,
    BiFunction<Backend, Tensor[], Tensor> op,
    Function<Ref[], Ref> reference) {

  /** Runs the op on {@code backend} with the inputs as FLOAT32 tensors. */
  public Tensor run(Backend backend) {
    Tensor[] ts = new Tensor[inputs.size()];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = backend.fromFloats(inputs.get(i).floats(), inputs.get(i).shape());
    }
    return op.apply(backend, ts);
  }

  /** The reference result. */
  public Ref expected() {
    return reference.apply(inputs.toArray(Ref[]::new));
  }

  @Override
  public String toString() {
    return name;
  }
}
