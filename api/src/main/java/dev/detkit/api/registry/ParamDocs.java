package dev.detkit.api.registry;

import dev.detkit.processor.ParamDocFiles;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each argument of a record means: its Javadoc {@code @param} tags, which the {@code
 * detkit-processor} copies to a resource beside the class at compile time.
 */
public final class ParamDocs {
  private ParamDocs() {}

  /** The docs of {@code record} by component name, empty when it has none. */
  public static Map<String, String> of(Class<?> record) {
    ClassLoader loader = record.getClassLoader();
    if (loader == null) {
      return new LinkedHashMap<>();
    }
    String resource = ParamDocFiles.resourceFor(record.getName());
    try (InputStream in = loader.getResourceAsStream(resource)) {
      return in == null ? new LinkedHashMap<>() : ParamDocFiles.read(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }
}
