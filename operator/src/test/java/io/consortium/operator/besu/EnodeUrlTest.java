package io.consortium.operator.besu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnodeUrlTest {

  static final String ID = NodeIdentityTest.G;

  @Test
  void aUrlWithIpAndPortRoundTripsAndNamesItsNode() {
    EnodeUrl url = EnodeUrl.parse("enode://" + ID + "@10.0.0.7:30303");

    assertThat(url.nodeId()).isEqualTo(ID);
    assertThat(url.host()).isEqualTo("10.0.0.7");
    assertThat(url.port()).isEqualTo(30303);
    assertThat(url.discoveryPort()).isNull();
    assertThat(url).hasToString("enode://" + ID + "@10.0.0.7:30303");
    assertThat(url.address()).hasToString("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
  }

  @Test
  void aDiscoveryPortIsKeptOnlyWhenItDiffersAsBesuWritesIt() {
    assertThat(EnodeUrl.parse("enode://" + ID + "@10.0.0.7:30303?discport=30301"))
        .hasToString("enode://" + ID + "@10.0.0.7:30303?discport=30301");
    assertThat(EnodeUrl.parse("enode://" + ID + "@10.0.0.7:30303?discport=30303"))
        .hasToString("enode://" + ID + "@10.0.0.7:30303");
  }

  @Test
  void dnsNamesAndBracketedIpv6HostsAreAccepted() {
    assertThat(EnodeUrl.parse("enode://" + ID.toUpperCase() + "@Besu-0.Org1.svc.cluster.local:30303"))
        .hasToString("enode://" + ID + "@besu-0.org1.svc.cluster.local:30303");
    assertThat(EnodeUrl.parse("enode://" + ID + "@[::1]:30303").host()).isEqualTo("[::1]");
  }

  @Test
  void aUrlBuiltInCodeIsCheckedLikeAParsedOne() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EnodeUrl(ID, "[", 30303, null))
        .hasMessageContaining("is not an IPv6 address");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EnodeUrl(ID, "10.0.0.1", 30303, 70000))
        .hasMessageContaining("discovery port 70000 is outside 1-65535");
  }

  @ParameterizedTest(name = "refused: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''|enode URL is empty",
        "http://ID@10.0.0.1:30303|does not start with enode://",
        "enode://ID|has no @host:port part",
        "enode://@10.0.0.1:30303|has no node ID",
        "enode://0xID@10.0.0.1:30303|must not have a 0x prefix",
        "enode://abc@10.0.0.1:30303|has 3 hex digits, expected 128",
        "enode://OFFCURVE@10.0.0.1:30303|is not a secp256k1 public key",
        "enode://ID@10.0.0.1|has no port",
        "enode://ID@10.0.0.1:|empty port",
        "enode://ID@10.0.0.1:http|is not a number",
        "enode://ID@10.0.0.1:0|outside 1-65535",
        "enode://ID@10.0.0.1:70000|outside 1-65535",
        "enode://ID@10.0.0.1:30303?discport=0|discovery port 0 is outside",
        "enode://ID@10.0.0.1:30303?foo=1|only discport=<port> is allowed",
        "enode://ID@300.0.0.1:30303|is not a valid IPv4 address",
        "enode://ID@::1:30303|must be written in brackets",
        "enode://ID@[zz]:30303|is not an IPv6 address",
        "enode://ID@bad_host:30303|neither an IP address nor a DNS name",
        "enode://ID@:30303|empty host",
        "enode://ID@[]:30303|is not an IPv6 address",
      })
  void malformedUrlsAreRefusedWithTheirReason(String url, String reason) {
    String offCurve = ID.substring(0, 127) + "9";
    String text = url.replace("OFFCURVE", offCurve).replace("ID", ID);
    assertThatThrownBy(() -> EnodeUrl.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }
}
