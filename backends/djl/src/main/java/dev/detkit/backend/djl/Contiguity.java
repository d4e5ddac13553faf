package dev.detkit.backend.djl;

import ai.djl.pytorch.engine.PtNDArray;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Whether a libtorch tensor is contiguous in NCHW order (a channels-last tensor is not). DJL 0.36
 * has the native call but keeps it package-private, so it is reached once through reflection.
 */
final class Contiguity {
  private static final MethodHandle IS_CONTIGUOUS;
  private static final Object LIB;

  static {
    try {
      Class<?> lib = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
      Field f = lib.getDeclaredField("LIB");
      f.setAccessible(true);
      LIB = f.get(null);
      Method m = lib.getDeclaredMethod("torchIsContiguous", long.class);
      m.setAccessible(true);
      IS_CONTIGUOUS = MethodHandles.lookup().unreflect(m);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(
          "DJL's PyTorchLibrary.torchIsContiguous is not reachable: " + e);
    }
  }

  private Contiguity() {}

  static boolean isContiguous(PtNDArray t) {
    try {
      return (boolean) IS_CONTIGUOUS.invoke(LIB, (long) t.getHandle());
    } catch (Throwable e) {
      throw new IllegalStateException("torchIsContiguous failed", e);
    }
  }
}
