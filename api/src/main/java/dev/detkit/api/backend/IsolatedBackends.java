package dev.detkit.api.backend;

import dev.detkit.api.registry.DetkitModule;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Backends whose native bindings cannot share the class path with the others (the libtorch
 * backend's JavaCPP 1.5.13 against ND4J's 1.5.7). Each folder named in the {@code
 * detkit.backend.path} system property holds one backend's jars; they are loaded in a class loader
 * of their own that takes detkit's api, Guice and SLF4J from the application and everything else
 * from the folder first, and the folder's {@link DetkitModule}s join the registry like any other.
 */
public final class IsolatedBackends {
  /** System property: folders of isolated backends, separated by {@link File#pathSeparator}. */
  public static final String PATH_PROPERTY = "detkit.backend.path";

  // One class loader per folder and JVM, whatever the number of injectors: a native library binds
  // to the first class loader that loads it, and a second would fail to link.
  private static final Map<Path, ClassLoader> LOADERS = new ConcurrentHashMap<>();

  private IsolatedBackends() {}

  /**
   * The modules of every isolated backend named in {@value #PATH_PROPERTY}. Read here, by the
   * injector's bootstrap, because it says where classes come from (the launcher sets it), not how
   * models run.
   */
  public static List<DetkitModule> modules() {
    String path = System.getProperty(PATH_PROPERTY, "");
    List<DetkitModule> modules = new ArrayList<>();
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isBlank() && Files.isDirectory(Path.of(dir))) {
        modules.addAll(modulesIn(Path.of(dir)));
      }
    }
    return modules;
  }

  /** The modules declared by the jars in {@code dir}, loaded in a class loader of their own. */
  static List<DetkitModule> modulesIn(Path dir) {
    ClassLoader loader =
        LOADERS.computeIfAbsent(
            dir.toAbsolutePath().normalize(),
            d -> new ChildFirstLoader(jars(d), IsolatedBackends.class.getClassLoader()));
    return ServiceLoader.load(DetkitModule.class, loader).stream()
        .filter(p -> p.type().getClassLoader() == loader)
        .map(ServiceLoader.Provider::get)
        .toList();
  }

  private static URL[] jars(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      List<URL> urls = new ArrayList<>();
      for (Path p : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
        urls.add(p.toUri().toURL());
      }
      return urls.toArray(URL[]::new);
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list backend folder " + dir, e);
    }
  }

  /** Looks in its own jars first, except for the packages the backend shares with detkit. */
  private static final class ChildFirstLoader extends URLClassLoader {
    private static final String[] SHARED = {
      "java.",
      "javax.",
      "jdk.",
      "sun.",
      "com.sun.",
      "dev.detkit.api.",
      "com.google.",
      "jakarta.",
      "org.aopalliance.",
      "org.slf4j."
    };

    static {
      registerAsParallelCapable();
    }

    ChildFirstLoader(URL[] urls, ClassLoader parent) {
      super("detkit-isolated-backend", urls, parent);
    }

    private static boolean shared(String name) {
      for (String prefix : SHARED) {
        if (name.startsWith(prefix)) {
          return true;
        }
      }
      return false;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (shared(name)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          try {
            c = findClass(name);
          } catch (ClassNotFoundException e) {
            c = super.loadClass(name, false);
          }
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }

    @Override
    public URL getResource(String name) {
      // Native libraries and their properties come from the folder's jars, not the application's.
      URL own = findResource(name);
      return own != null ? own : super.getResource(name);
    }
  }
}
