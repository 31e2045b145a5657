package io.consortium.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.io.File;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Generates the CRDs from the model at build time (Maven runs it in {@code process-classes}).
 *
 * <p>fabric8's generator orders printer columns by JSON path, which puts AGE first; kubectl shows
 * them in the CRD's order, so they are put back in the order the kind's annotations give.
 */
public final class CrdGeneration {

  private CrdGeneration() {}

  public static void main(String[] args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: CrdGeneration OUTPUT_DIR");
    }
    File out = new File(args[0]);
    if (!out.isDirectory() && !out.mkdirs()) {
      throw new IllegalStateException("cannot create " + out);
    }
    int written = new CRDGenerator()
        .customResourceClasses(Kinds.ALL)
        .forCRDVersions("v1")
        .withPostProcessor(new ColumnsInAnnotationOrder())
        .inOutputDir(out)
        .generate();
    if (written != Kinds.ALL.size()) {
      throw new IllegalStateException("generated " + written + " CRDs, expected " + Kinds.ALL.size());
    }
  }

  private static final class ColumnsInAnnotationOrder implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      CustomResourceDefinition definition = (CustomResourceDefinition) crd;
      String kind = definition.getSpec().getNames().getKind();
      Class<?> type = Kinds.ALL.stream().filter(k -> k.getSimpleName().equals(kind)).findFirst().orElseThrow();
      List<String> order = new ArrayList<>();
      for (AdditionalPrinterColumn column : type.getAnnotationsByType(AdditionalPrinterColumn.class)) {
        order.add(column.jsonPath());
      }
      for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
        List<CustomResourceColumnDefinition> columns = new ArrayList<>(version.getAdditionalPrinterColumns());
        columns.sort(Comparator.comparingInt(c -> order.indexOf(c.getJsonPath())));
        version.setAdditionalPrinterColumns(columns);
      }
      return crd;
    }
  }
}
