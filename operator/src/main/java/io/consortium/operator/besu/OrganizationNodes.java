package io.consortium.operator.besu;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The node endpoints one organization advertises to the others: enode URLs as strings, so the
 * record carries straight into a custom resource as JSON. Each URL is validated on construction.
 */
public record OrganizationNodes(String organization, List<String> enodes) {

  public OrganizationNodes {
    if (organization == null || organization.isBlank()) {
      throw new IllegalArgumentException("organization name is empty");
    }
    organization = organization.strip();
    List<String> normalized = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String e : enodes == null ? List.<String>of() : enodes) {
      EnodeUrl url;
      try {
        url = EnodeUrl.parse(e);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(
            "organization " + organization + " advertises a bad enode: " + ex.getMessage());
      }
      if (!seen.add(url.nodeId())) {
        throw new IllegalArgumentException(
            "organization " + organization + " advertises node " + url.nodeId().substring(0, 16)
                + "... twice");
      }
      normalized.add(url.toString());
    }
    enodes = List.copyOf(normalized);
  }

  public List<EnodeUrl> enodeUrls() {
    return enodes.stream().map(EnodeUrl::parse).toList();
  }
}
