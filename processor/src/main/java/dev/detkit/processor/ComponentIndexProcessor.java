package dev.detkit.processor;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Compile-time half of {@code @Component}: checks each declaration's shape, indexes the
 * declarations of a jar under the jar's one {@code DetkitModule} (the module nearest by package),
 * and copies every record's Javadoc {@code @param} tags to a resource so {@code ./detkit list} can
 * show what every argument means (records of other jars are documented by their own jar's build).
 * It names detkit's types by string, so it depends on nothing and runs on the api module too.
 * Index: {@code META-INF/detkit/components/<module>}; docs: {@code META-INF/detkit/args/<record
 * binary name>.properties}.
 */
// "*": also rounds without @Component (the api module), whose records are still documented.
@SupportedAnnotationTypes("*")
public final class ComponentIndexProcessor extends AbstractProcessor {
  private static final String MODULE = "dev.detkit.api.registry.DetkitModule";
  private static final String CONTEXT = "dev.detkit.api.registry.BuildContext";

  private final Map<String, List<String>> entriesByModule = new LinkedHashMap<>();
  private final Set<String> modules = new LinkedHashSet<>();
  private final List<Element> declarations = new ArrayList<>();
  private final Set<String> documented = new LinkedHashSet<>();

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    for (Element root : round.getRootElements()) {
      collectModules(root);
    }
    TypeElement component =
        processingEnv.getElementUtils().getTypeElement("dev.detkit.api.registry.Component");
    if (component != null) {
      declarations.addAll(round.getElementsAnnotatedWith(component));
    }
    if (round.processingOver()) {
      for (Element e : declarations) {
        index(e);
      }
      write();
    }
    return false;
  }

  /** Finds the modules of the compilation and documents every record in it. */
  private void collectModules(Element e) {
    if (e instanceof TypeElement t) {
      if (t.getKind() == ElementKind.RECORD) {
        document(t);
      }
      if (!t.getModifiers().contains(Modifier.ABSTRACT) && extendsModule(t)) {
        modules.add(processingEnv.getElementUtils().getBinaryName(t).toString());
      }
      for (TypeElement inner : ElementFilter.typesIn(t.getEnclosedElements())) {
        collectModules(inner);
      }
    }
  }

  private boolean extendsModule(TypeElement t) {
    TypeMirror s = t.getSuperclass();
    while (s.getKind() == TypeKind.DECLARED) {
      TypeElement st = (TypeElement) ((DeclaredType) s).asElement();
      if (st.getQualifiedName().contentEquals(MODULE)) {
        return true;
      }
      s = st.getSuperclass();
    }
    return false;
  }

  private void index(Element e) {
    List<? extends javax.lang.model.element.VariableElement> params;
    TypeElement owner;
    String entry;
    if (e.getKind() == ElementKind.METHOD) {
      ExecutableElement m = (ExecutableElement) e;
      owner = (TypeElement) m.getEnclosingElement();
      if (!m.getModifiers().contains(Modifier.STATIC)
          || !m.getModifiers().contains(Modifier.PUBLIC)) {
        error(e, "a @Component factory method is public and static");
        return;
      }
      params = m.getParameters();
      entry = binaryName(owner) + "#" + m.getSimpleName();
      if (!isFactorySignature(params)) {
        error(e, "a @Component factory takes (Args) or (Args, BuildContext), Args a record");
        return;
      }
    } else {
      owner = (TypeElement) e;
      params = null;
      for (ExecutableElement k : ElementFilter.constructorsIn(owner.getEnclosedElements())) {
        if (k.getModifiers().contains(Modifier.PUBLIC) && isFactorySignature(k.getParameters())) {
          params = k.getParameters();
        }
      }
      if (params == null) {
        error(e, "a @Component class has a public constructor (Args) or (Args, BuildContext)");
        return;
      }
      entry = binaryName(owner);
    }
    String module = owningModule(owner);
    if (module == null) {
      error(
          e,
          "no DetkitModule in this compilation owns this package: declare one (an empty subclass"
              + " of DetkitModule listed in META-INF/services) in this package or above it");
      return;
    }
    entriesByModule.computeIfAbsent(module, k -> new ArrayList<>()).add(entry);
    document((TypeElement) ((DeclaredType) params.get(0).asType()).asElement());
  }

  private boolean isFactorySignature(List<? extends javax.lang.model.element.VariableElement> p) {
    if (p.isEmpty() || p.size() > 2) {
      return false;
    }
    TypeMirror first = p.get(0).asType();
    boolean record =
        first.getKind() == TypeKind.DECLARED
            && ((DeclaredType) first).asElement().getKind() == ElementKind.RECORD;
    return record
        && (p.size() == 1
            || processingEnv.getTypeUtils().erasure(p.get(1).asType()).toString().equals(CONTEXT));
  }

  /** The module whose package is the longest prefix of {@code owner}'s package. */
  private String owningModule(TypeElement owner) {
    String pkg =
        processingEnv.getElementUtils().getPackageOf(owner).getQualifiedName().toString() + ".";
    String best = null;
    for (String m : modules) {
      String mp = m.substring(0, m.lastIndexOf('.') + 1);
      if (pkg.startsWith(mp) && (best == null || mp.length() > best.lastIndexOf('.') + 1)) {
        best = m;
      }
    }
    return best;
  }

  /** The record's {@code @param} docs, and those of records nested in it. */
  private void document(TypeElement record) {
    if (record.getKind() != ElementKind.RECORD || !documented.add(binaryName(record))) {
      return;
    }
    Map<String, String> docs =
        ParamDocFiles.parse(processingEnv.getElementUtils().getDocComment(record));
    if (!docs.isEmpty()) {
      String name = ParamDocFiles.resourceFor(binaryName(record));
      try {
        FileObject f =
            processingEnv
                .getFiler()
                .createResource(StandardLocation.CLASS_OUTPUT, "", name, record);
        try (Writer w = f.openWriter()) {
          w.write(ParamDocFiles.format(docs));
        }
      } catch (IOException ex) {
        error(record, "cannot write " + name + ": " + ex.getMessage());
      }
    }
    for (RecordComponentElement rc : record.getRecordComponents()) {
      nestedRecords(rc.asType());
    }
  }

  private void nestedRecords(TypeMirror t) {
    if (t.getKind() != TypeKind.DECLARED) {
      return;
    }
    DeclaredType d = (DeclaredType) t;
    if (d.asElement().getKind() == ElementKind.RECORD) {
      document((TypeElement) d.asElement());
    }
    for (TypeMirror arg : d.getTypeArguments()) {
      nestedRecords(arg);
    }
  }

  private void write() {
    for (Map.Entry<String, List<String>> e : entriesByModule.entrySet()) {
      String name = "META-INF/detkit/components/" + e.getKey();
      try {
        FileObject f =
            processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "", name);
        try (Writer w = f.openWriter()) {
          w.write("# written by " + getClass().getSimpleName() + "; one declaration per line\n");
          for (String entry : e.getValue()) {
            w.write(entry + "\n");
          }
        }
      } catch (IOException ex) {
        processingEnv
            .getMessager()
            .printMessage(Diagnostic.Kind.ERROR, "cannot write " + name + ": " + ex.getMessage());
      }
    }
  }

  private String binaryName(TypeElement t) {
    return processingEnv.getElementUtils().getBinaryName(t).toString();
  }

  private void error(Element e, String message) {
    processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message, e);
  }
}
