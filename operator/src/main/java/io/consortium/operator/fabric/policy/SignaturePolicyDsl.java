package io.consortium.operator.fabric.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hyperledger.fabric.protos.common.SignaturePolicy;
import org.hyperledger.fabric.protos.common.SignaturePolicyEnvelope;
import org.hyperledger.fabric.protos.common.MSPPrincipal;
import org.hyperledger.fabric.protos.common.MSPRole;

/**
 * Fabric's signature-policy language ({@code common/policydsl}), e.g.
 * {@code AND('Org1MSP.peer', OutOf(2, 'Org2MSP.member', 'Org3MSP.admin', 'Org4MSP.client'))},
 * parsed into the same {@link SignaturePolicyEnvelope} Fabric's {@code policydsl.FromString}
 * makes, so that the marshalled policy, and with it the chaincode definition every org approves,
 * is the same whichever tool an org used.
 *
 * <p>What "the same" takes, from Fabric's parser and its tests:
 * <ul>
 *   <li>Gates: {@code AND}/{@code And}/{@code and}, {@code OR}/{@code Or}/{@code or},
 *       {@code OutOf}/{@code outof}/{@code OUTOF}; AND of n is OutOf(n), OR is OutOf(1).
 *   <li>Principals: {@code 'MSPID.role'}, MSP ID of ASCII alphanumerics, dots and dashes, role one
 *       of member, admin, client, peer, orderer, each an {@code MSPPrincipal} of classification ROLE.
 *   <li>Identities are not de-duplicated: each principal written is one identity.
 *   <li>Identity order: a gate's nested gates are numbered first (depth first, left to right), then
 *       its own principals in order; so {@code OR('A.member', AND('B.member', 'C.member'))} lists
 *       B, C, A (Fabric's {@code TestComplex1}).
 *   <li>OutOf's threshold may be a number or a quoted number; 0 and n+1 are allowed (always and
 *       never satisfied), below 0 or above n+1 is refused.
 * </ul>
 * Stricter than Fabric: a threshold must be a whole number (Fabric truncates 1.5 to 1).
 */
public final class SignaturePolicyDsl {

  private static final Pattern PRINCIPAL = Pattern.compile("([A-Za-z0-9.-]+)\\.(admin|member|client|peer|orderer)");

  private SignaturePolicyDsl() {}

  /** Parses {@code policy} into Fabric's envelope (version 0). */
  public static SignaturePolicyEnvelope parse(String policy) {
    if (policy == null || policy.isBlank()) {
      throw new PolicySyntaxException("signature policy is empty: expected AND(...), OR(...) or OutOf(n, ...)");
    }
    Parser parser = new Parser(policy);
    Gate root = parser.policy();
    List<MSPPrincipal> identities = new ArrayList<>();
    SignaturePolicy rule = build(root, identities);
    return SignaturePolicyEnvelope.newBuilder().setVersion(0).setRule(rule).addAllIdentities(identities).build();
  }

  /** Writes an envelope back in the policy language, principals inline, e.g. for display. */
  public static String format(SignaturePolicyEnvelope envelope) {
    return format(envelope.getRule(), envelope.getIdentitiesList());
  }

  private static String format(SignaturePolicy rule, List<MSPPrincipal> identities) {
    if (rule.hasSignedBy()) {
      int index = rule.getSignedBy();
      if (index < 0 || index >= identities.size()) {
        throw new IllegalArgumentException("policy refers to identity " + index + " of " + identities.size());
      }
      MSPPrincipal principal = identities.get(index);
      if (principal.getPrincipalClassification() != MSPPrincipal.Classification.ROLE) {
        return "'<" + principal.getPrincipalClassification() + " principal>'";
      }
      try {
        MSPRole role = MSPRole.parseFrom(principal.getPrincipal());
        return "'" + role.getMspIdentifier() + "." + role.getRole().name().toLowerCase(Locale.ROOT) + "'";
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("identity " + index + " is not an MSPRole: " + e.getMessage());
      }
    }
    SignaturePolicy.NOutOf gate = rule.getNOutOf();
    List<String> parts = new ArrayList<>();
    for (SignaturePolicy sub : gate.getRulesList()) {
      parts.add(format(sub, identities));
    }
    String args = String.join(", ", parts);
    if (gate.getN() == gate.getRulesCount() && gate.getRulesCount() > 1) {
      return "AND(" + args + ")";
    }
    if (gate.getN() == 1 && gate.getRulesCount() > 1) {
      return "OR(" + args + ")";
    }
    return "OutOf(" + gate.getN() + ", " + args + ")";
  }

  private static SignaturePolicy build(Gate gate, List<MSPPrincipal> identities) {
    SignaturePolicy[] rules = new SignaturePolicy[gate.args().size()];
    // Fabric evaluates nested gates before the gate itself numbers its own principals.
    for (int i = 0; i < rules.length; i++) {
      if (gate.args().get(i) instanceof Gate nested) {
        rules[i] = build(nested, identities);
      }
    }
    for (int i = 0; i < rules.length; i++) {
      if (gate.args().get(i) instanceof Principal principal) {
        identities.add(MSPPrincipal.newBuilder()
            .setPrincipalClassification(MSPPrincipal.Classification.ROLE)
            .setPrincipal(MSPRole.newBuilder().setMspIdentifier(principal.mspId()).setRole(principal.role()).build().toByteString())
            .build());
        rules[i] = SignaturePolicy.newBuilder().setSignedBy(identities.size() - 1).build();
      }
    }
    return SignaturePolicy.newBuilder()
        .setNOutOf(SignaturePolicy.NOutOf.newBuilder().setN(gate.threshold()).addAllRules(List.of(rules)))
        .build();
  }

  private sealed interface Node permits Gate, Principal {}

  private record Gate(int threshold, List<Node> args) implements Node {}

  private record Principal(String mspId, MSPRole.MSPRoleType role) implements Node {}

  private enum Kind { AND, OR, OUT_OF }

  private enum TokenType { OPEN, CLOSE, COMMA, STRING, NUMBER, WORD, END }

  private record Token(TokenType type, String text, int position) {
    String describe() {
      return switch (type) {
        case END -> "the end of the policy";
        case STRING -> "'" + text + "'";
        default -> "'" + text + "' at position " + (position + 1);
      };
    }
  }

  /** Recursive descent over the policy text; positions in messages count from 1. */
  private static final class Parser {
    private final List<Token> tokens;
    private int next;

    Parser(String text) {
      this.tokens = tokenize(text);
    }

    Gate policy() {
      Token first = peek();
      if (first.type() != TokenType.WORD) {
        throw new PolicySyntaxException(
            "signature policy must start with a gate, AND(...), OR(...) or OutOf(n, ...), found " + first.describe());
      }
      Gate gate = gate();
      Token rest = peek();
      if (rest.type() != TokenType.END) {
        throw new PolicySyntaxException("unexpected " + rest.describe() + " after the end of the policy");
      }
      return gate;
    }

    private Gate gate() {
      Token name = take();
      Kind kind = switch (name.text()) {
        case "AND", "And", "and" -> Kind.AND;
        case "OR", "Or", "or" -> Kind.OR;
        case "OutOf", "outof", "OUTOF" -> Kind.OUT_OF;
        default -> throw new PolicySyntaxException(
            "unknown gate '" + name.text() + "' at position " + (name.position() + 1) + ": expected AND, OR or OutOf");
      };
      expect(TokenType.OPEN, "'(' after " + name.text());
      List<Token> rawArgs = new ArrayList<>();
      List<Node> args = new ArrayList<>();
      if (peek().type() == TokenType.CLOSE) {
        throw new PolicySyntaxException(name.text() + "() at position " + (name.position() + 1) + " has no arguments");
      }
      while (true) {
        Token t = peek();
        if (t.type() == TokenType.WORD) {
          if (tokens.get(next + 1).type() != TokenType.OPEN) {
            throw new PolicySyntaxException("unrecognized token '" + t.text() + "' at position " + (t.position() + 1)
                + ": principals are quoted, e.g. 'Org1MSP.member'");
          }
          rawArgs.add(t);
          args.add(gate());
        } else if (t.type() == TokenType.STRING || t.type() == TokenType.NUMBER) {
          rawArgs.add(take());
          args.add(null);
        } else {
          throw new PolicySyntaxException("expected a principal or a gate in " + name.text() + "(...), found " + t.describe());
        }
        Token separator = take();
        if (separator.type() == TokenType.CLOSE) {
          break;
        }
        if (separator.type() != TokenType.COMMA) {
          throw new PolicySyntaxException("expected ',' or ')' in " + name.text() + "(...), found " + separator.describe());
        }
      }
      int first = 0;
      int threshold;
      if (kind == Kind.OUT_OF) {
        if (args.size() < 2) {
          throw new PolicySyntaxException(name.text() + " needs a threshold and at least one principal or policy, got "
              + args.size() + " argument" + (args.size() == 1 ? "" : "s"));
        }
        threshold = threshold(rawArgs.get(0), args.get(0), name.text());
        first = 1;
      } else {
        threshold = kind == Kind.AND ? args.size() : 1;
      }
      List<Node> operands = new ArrayList<>();
      for (int i = first; i < args.size(); i++) {
        operands.add(args.get(i) != null ? args.get(i) : principal(rawArgs.get(i)));
      }
      int n = operands.size();
      if (threshold < 0 || threshold > n + 1) {
        throw new PolicySyntaxException("invalid t-out-of-n predicate, t " + threshold + ", n " + n
            + ": " + name.text() + " allows a threshold from 0 to " + (n + 1));
      }
      return new Gate(threshold, operands);
    }

    private static int threshold(Token token, Node parsed, String gate) {
      if (parsed != null) {
        throw new PolicySyntaxException(gate + " needs a number first, e.g. " + gate + "(2, ...), found a nested gate");
      }
      String value = token.text();
      if (!value.matches("-?\\d+")) {
        throw new PolicySyntaxException(gate + " threshold must be a whole number, found " + token.describe());
      }
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new PolicySyntaxException(gate + " threshold " + value + " is out of range");
      }
    }

    private static Principal principal(Token token) {
      if (token.type() == TokenType.NUMBER) {
        throw new PolicySyntaxException("unexpected number " + token.text() + " at position " + (token.position() + 1)
            + ": only OutOf takes a number, as its first argument");
      }
      Matcher m = PRINCIPAL.matcher(token.text());
      if (!m.matches()) {
        throw new PolicySyntaxException("unrecognized principal '" + token.text() + "': expected 'MSPID.role' with role"
            + " member, admin, client, peer or orderer, and an MSP ID of letters, digits, '.' and '-'");
      }
      MSPRole.MSPRoleType role = switch (m.group(2)) {
        case "member" -> MSPRole.MSPRoleType.MEMBER;
        case "admin" -> MSPRole.MSPRoleType.ADMIN;
        case "client" -> MSPRole.MSPRoleType.CLIENT;
        case "peer" -> MSPRole.MSPRoleType.PEER;
        default -> MSPRole.MSPRoleType.ORDERER;
      };
      return new Principal(m.group(1), role);
    }

    private Token peek() {
      return tokens.get(next);
    }

    private Token take() {
      Token t = tokens.get(next);
      if (t.type() != TokenType.END) {
        next++;
      }
      return t;
    }

    private void expect(TokenType type, String what) {
      Token t = take();
      if (t.type() != type) {
        throw new PolicySyntaxException("expected " + what + ", found " + t.describe());
      }
    }

    private static List<Token> tokenize(String text) {
      List<Token> tokens = new ArrayList<>();
      int i = 0;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '(') {
          tokens.add(new Token(TokenType.OPEN, "(", i++));
        } else if (c == ')') {
          tokens.add(new Token(TokenType.CLOSE, ")", i++));
        } else if (c == ',') {
          tokens.add(new Token(TokenType.COMMA, ",", i++));
        } else if (c == '\'' || c == '"') {
          int start = i++;
          StringBuilder value = new StringBuilder();
          while (i < text.length() && text.charAt(i) != c) {
            if (text.charAt(i) == '\\' && i + 1 < text.length()) {
              i++;
            }
            value.append(text.charAt(i++));
          }
          if (i >= text.length()) {
            throw new PolicySyntaxException("unterminated string starting at position " + (start + 1) + ": missing closing " + c);
          }
          i++;
          tokens.add(new Token(TokenType.STRING, value.toString(), start));
        } else if (Character.isDigit(c) || (c == '-' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)))) {
          int start = i++;
          while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
            i++;
          }
          tokens.add(new Token(TokenType.NUMBER, text.substring(start, i), start));
        } else if (Character.isLetter(c) || c == '_') {
          int start = i++;
          while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_' || text.charAt(i) == '.')) {
            i++;
          }
          tokens.add(new Token(TokenType.WORD, text.substring(start, i), start));
        } else {
          throw new PolicySyntaxException("unexpected character '" + c + "' at position " + (i + 1) + " of the policy");
        }
      }
      tokens.add(new Token(TokenType.END, "", text.length()));
      return tokens;
    }
  }
}
