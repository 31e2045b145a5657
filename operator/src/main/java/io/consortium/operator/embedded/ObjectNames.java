package io.consortium.operator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import io.consortium.operator.embedded.Admission.FieldError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The object metadata rules every real API server applies (k8s.io/apimachinery's validation), with
 * its messages: names by resource (DNS-1123 subdomain, or label, or DNS-1035 label for Services),
 * label keys and values, annotation keys and their total size. Without them the embedded server would
 * store names a real server refuses (and that its own path handling then cannot delete).
 */
final class ObjectNames implements Admission {

  private static final String LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String SUBDOMAIN_FMT = LABEL_FMT + "(\\." + LABEL_FMT + ")*";
  private static final String DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
  private static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";
  private static final Pattern LABEL = Pattern.compile(LABEL_FMT);
  private static final Pattern SUBDOMAIN = Pattern.compile(SUBDOMAIN_FMT);
  private static final Pattern DNS1035 = Pattern.compile(DNS1035_FMT);
  private static final Pattern QUALIFIED_NAME = Pattern.compile(QUALIFIED_NAME_FMT);
  private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);
  private static final String QUALIFIED_NAME_MSG =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  private static final long ANNOTATIONS_LIMIT = 256 * 1024;

  /** How a resource's names are checked; everything else is a DNS-1123 subdomain. */
  private static final Map<String, Rule> RULES = Map.of("namespaces", Rule.LABEL, "services", Rule.DNS1035_LABEL);

  private enum Rule { SUBDOMAIN, LABEL, DNS1035_LABEL }

  @Override
  public List<FieldError> check(ApiPath resource, JsonNode old, JsonNode updated) {
    List<FieldError> errors = new ArrayList<>();
    JsonNode metadata = updated.path("metadata");
    if (old == null) {
      Rule rule = RULES.getOrDefault(resource.plural(), Rule.SUBDOMAIN);
      String name = metadata.path("name").asText("");
      if (name.isEmpty()) {
        errors.add(FieldError.required("metadata.name", "name or generateName is required"));
      }
      for (String problem : nameProblems(rule, name)) {
        errors.add(FieldError.invalid("metadata.name", name, problem));
      }
      String generateName = metadata.path("generateName").asText("");
      if (!generateName.isEmpty()) {
        // A prefix may end in '-': it is checked as the name it starts.
        String prefix = generateName.endsWith("-") ? generateName.substring(0, generateName.length() - 1) : generateName;
        for (String problem : nameProblems(rule, prefix)) {
          errors.add(FieldError.invalid("metadata.generateName", generateName, problem));
        }
      }
    }
    labels(metadata.path("labels"), errors);
    annotations(metadata.path("annotations"), errors);
    return errors;
  }

  /** What is wrong with {@code name} under {@code rule}, in apimachinery's words; empty when nothing is. */
  static List<String> nameProblems(Rule rule, String name) {
    List<String> problems = new ArrayList<>();
    if (name.isEmpty()) {
      return problems;
    }
    switch (rule) {
      case SUBDOMAIN -> {
        if (name.length() > 253) {
          problems.add(maxLength(253));
        }
        if (!SUBDOMAIN.matcher(name).matches()) {
          problems.add(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"
              + " '-' or '.', and must start and end with an alphanumeric character", SUBDOMAIN_FMT, "example.com"));
        }
      }
      case LABEL -> {
        if (name.length() > 63) {
          problems.add(maxLength(63));
        }
        if (!LABEL.matcher(name).matches()) {
          problems.add(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or"
              + " '-', and must start and end with an alphanumeric character", LABEL_FMT, "my-name", "123-abc"));
        }
      }
      case DNS1035_LABEL -> {
        if (name.length() > 63) {
          problems.add(maxLength(63));
        }
        if (!DNS1035.matcher(name).matches()) {
          problems.add(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start"
              + " with an alphabetic character, and end with an alphanumeric character", DNS1035_FMT, "my-name",
              "abc-123"));
        }
      }
      default -> throw new IllegalStateException(rule.toString());
    }
    return problems;
  }

  private static void labels(JsonNode labels, List<FieldError> errors) {
    for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> label = it.next();
      for (String problem : qualifiedNameProblems(label.getKey())) {
        errors.add(FieldError.invalid("metadata.labels", label.getKey(), problem));
      }
      String value = label.getValue().asText("");
      if (value.length() > 63) {
        errors.add(FieldError.invalid("metadata.labels", value, maxLength(63)));
      }
      if (!LABEL_VALUE.matcher(value).matches()) {
        errors.add(FieldError.invalid("metadata.labels", value, regexError("a valid label must be an empty string or"
            + " consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric"
            + " character", LABEL_VALUE_FMT, "MyValue", "my_value", "12345")));
      }
    }
  }

  private static void annotations(JsonNode annotations, List<FieldError> errors) {
    long size = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = annotations.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> annotation = it.next();
      // The rule is the qualified name's, except that case does not matter.
      for (String problem : qualifiedNameProblems(annotation.getKey().toLowerCase(Locale.ROOT))) {
        errors.add(FieldError.invalid("metadata.annotations", annotation.getKey(), problem));
      }
      size += annotation.getKey().getBytes(StandardCharsets.UTF_8).length
          + annotation.getValue().asText("").getBytes(StandardCharsets.UTF_8).length;
    }
    if (size > ANNOTATIONS_LIMIT) {
      errors.add(FieldError.tooLong("metadata.annotations", ANNOTATIONS_LIMIT));
    }
  }

  private static List<String> qualifiedNameProblems(String value) {
    List<String> problems = new ArrayList<>();
    String[] parts = value.split("/", -1);
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      name = parts[1];
      if (parts[0].isEmpty()) {
        problems.add("prefix part must be non-empty");
      } else {
        for (String problem : nameProblems(Rule.SUBDOMAIN, parts[0])) {
          problems.add("prefix part " + problem);
        }
      }
    } else {
      problems.add("a qualified name " + regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name",
          "123-abc") + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
      return problems;
    }
    if (name.isEmpty()) {
      problems.add("name part must be non-empty");
    } else if (name.length() > 63) {
      problems.add("name part " + maxLength(63));
    }
    if (!QUALIFIED_NAME.matcher(name).matches()) {
      problems.add("name part " + regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"));
    }
    return problems;
  }

  private static String maxLength(int limit) {
    return "must be no more than " + limit + " characters";
  }

  /** apimachinery's RegexError, with its double space between examples. */
  private static String regexError(String message, String format, String... examples) {
    StringBuilder out = new StringBuilder(message).append(" (e.g. ");
    for (int i = 0; i < examples.length; i++) {
      if (i > 0) {
        out.append(" or ");
      }
      out.append('\'').append(examples[i]).append("', ");
    }
    return out.append("regex used for validation is '").append(format).append("')").toString();
  }
}
