package org.cnflows.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries of docs/architecture.md, checked on the compiled classes of every module
 * (main code, not tests): no module reaches into another's {@code internal} package, the pure-Java
 * modules never touch DJL, and the dependency directions of the module graph hold.
 */
class ArchitectureTest {

  /** Each module's root package. */
  private static final Map<String, String> MODULES =
      Map.of(
          "common", "org.cnflows.common",
          "flows-core", "org.cnflows.flows",
          "flows-contrastive", "org.cnflows.contrastive",
          "inference-stats", "org.cnflows.stats",
          "flows-profiling", "org.cnflows.profiling",
          "higgsml-adapter", "org.cnflows.higgsml",
          "examples", "org.cnflows.examples");

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.cnflows");
  }

  @Test
  void noModuleImportsAnotherModulesInternals() {
    for (Map.Entry<String, String> m : MODULES.entrySet()) {
      String root = m.getValue();
      noClasses()
          .that()
          .resideOutsideOfPackage(root + "..")
          .should()
          .dependOnClassesThat(internalOf(root))
          .because(root + ".internal is private to " + m.getKey())
          .check(classes);
    }
  }

  @Test
  void thePureJavaModulesNeverReachDjl() {
    noClasses()
        .that()
        .resideInAnyPackage("org.cnflows.common..", "org.cnflows.stats..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("ai.djl..")
        .because("common and inference-stats load no native code")
        .check(classes);
  }

  @Test
  void dependenciesFollowTheModuleGraph() {
    noClasses()
        .that()
        .resideInAPackage("org.cnflows.common..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.cnflows.flows..",
            "org.cnflows.contrastive..",
            "org.cnflows.stats..",
            "org.cnflows.profiling..",
            "org.cnflows.higgsml..",
            "org.cnflows.examples..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("org.cnflows.flows..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.cnflows.contrastive..",
            "org.cnflows.stats..",
            "org.cnflows.profiling..",
            "org.cnflows.higgsml..",
            "org.cnflows.examples..")
        .because("flows-core knows no statistics: flows-profiling joins flows and likelihoods")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("org.cnflows.stats..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.cnflows.flows..",
            "org.cnflows.contrastive..",
            "org.cnflows.profiling..",
            "org.cnflows.higgsml..",
            "org.cnflows.examples..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("org.cnflows.profiling..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.cnflows.contrastive..", "org.cnflows.higgsml..", "org.cnflows.examples..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("org.cnflows.contrastive..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.cnflows.higgsml..", "org.cnflows.examples..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("org.cnflows.higgsml..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.cnflows.examples..")
        .check(classes);
  }

  @Test
  void theRulesSeeEveryModule() {
    for (String root : MODULES.values()) {
      org.assertj.core.api.Assertions.assertThat(
              classes.stream().anyMatch(c -> c.getPackageName().startsWith(root)))
          .as("classes of %s imported", root)
          .isTrue();
    }
  }

  private static DescribedPredicate<JavaClass> internalOf(String root) {
    return DescribedPredicate.describe(
        "in " + root + ".internal",
        c ->
            c.getPackageName().equals(root + ".internal")
                || c.getPackageName().startsWith(root + ".internal."));
  }
}
