package dev.detkit.api.registry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * Reads the index the annotation processor wrote for a {@link DetkitModule} and turns each {@link
 * Component} declaration into {@link ComponentSpec}s (one per name).
 */
public final class ComponentIndex {
  /**
   * Where the processor writes a module's declarations: this prefix plus the module's class name.
   */
  public static final String RESOURCE_PREFIX = "META-INF/detkit/components/";

  private ComponentIndex() {}

  /** The specs declared for {@code module}, in source order. */
  public static List<ComponentSpec<?, ?>> declaredFor(Class<? extends DetkitModule> module) {
    List<ComponentSpec<?, ?>> specs = new ArrayList<>();
    ClassLoader loader = module.getClassLoader();
    try {
      Enumeration<URL> urls = loader.getResources(RESOURCE_PREFIX + module.getName());
      while (urls.hasMoreElements()) {
        URL url = urls.nextElement();
        try (BufferedReader r =
            new BufferedReader(new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            line = line.strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
              specs.addAll(specs(line, loader, url));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the component index of " + module.getName(), e);
    }
    return specs;
  }

  /** {@code pkg.Class} (a class declaration) or {@code pkg.Class#method} (a factory method). */
  static List<ComponentSpec<?, ?>> specs(String entry, ClassLoader loader, Object where) {
    int hash = entry.indexOf('#');
    String className = hash < 0 ? entry : entry.substring(0, hash);
    Class<?> owner;
    try {
      owner = Class.forName(className, false, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          where + ": indexed component class " + className + " is gone");
    }
    if (hash < 0) {
      return ofClass(owner);
    }
    String methodName = entry.substring(hash + 1);
    for (Method m : owner.getDeclaredMethods()) {
      if (m.getName().equals(methodName) && m.isAnnotationPresent(Component.class)) {
        return ofMethod(m);
      }
    }
    throw new IllegalStateException(where + ": indexed factory " + entry + " is gone");
  }

  private static List<ComponentSpec<?, ?>> ofClass(Class<?> type) {
    Component c = type.getAnnotation(Component.class);
    for (Constructor<?> k : type.getConstructors()) {
      if (isFactorySignature(k.getParameterTypes())) {
        return specs(c, k.getParameterTypes(), type, k::newInstance);
      }
    }
    throw new IllegalStateException(
        type.getName() + ": @Component needs a public constructor (Args) or (Args, BuildContext)");
  }

  private static List<ComponentSpec<?, ?>> ofMethod(Method m) {
    if (!Modifier.isStatic(m.getModifiers()) || !Modifier.isPublic(m.getModifiers())) {
      throw new IllegalStateException(m + ": a @Component factory is public and static");
    }
    if (!isFactorySignature(m.getParameterTypes())) {
      throw new IllegalStateException(
          m + ": a @Component factory takes (Args) or (Args, BuildContext)");
    }
    return specs(
        m.getAnnotation(Component.class),
        m.getParameterTypes(),
        m.getReturnType(),
        params -> m.invoke(null, params));
  }

  /** What the processor also checks at compile time. */
  static boolean isFactorySignature(Class<?>[] p) {
    return (p.length == 1 || (p.length == 2 && p[1] == BuildContext.class)) && p[0].isRecord();
  }

  private interface Invoker {
    Object call(Object... params) throws ReflectiveOperationException;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static List<ComponentSpec<?, ?>> specs(
      Component c, Class<?>[] params, Class<?> built, Invoker invoker) {
    Class<? extends Record> args = (Class<? extends Record>) params[0];
    boolean wantsContext = params.length == 2;
    ComponentFactory factory =
        (a, ctx) -> {
          try {
            return wantsContext ? invoker.call(a, ctx) : invoker.call(a);
          } catch (InvocationTargetException e) {
            // The component's own exception (a bad argument, a missing file) is the user's message.
            if (e.getCause() instanceof RuntimeException re) {
              throw re;
            }
            if (e.getCause() instanceof Error err) {
              throw err;
            }
            throw new IllegalStateException(e.getCause());
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + c.name()[0], e);
          }
        };
    List<ComponentSpec<?, ?>> out = new ArrayList<>();
    for (String name : c.name()) {
      out.add(new ComponentSpec(c.kind(), c.scope(), name, args, built, factory, c.summary()));
    }
    return out;
  }
}
