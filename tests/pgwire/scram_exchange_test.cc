#include "pgwire/scram_exchange.h"

#include <string>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "iam/scram.h"

namespace weir::pgwire {
namespace {

std::string Hmac(const std::string& key, const std::string& message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out, &length);
  return {reinterpret_cast<char*>(out), length};
}

std::string Sha256(const std::string& bytes) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out);
  return {reinterpret_cast<char*>(out), SHA256_DIGEST_LENGTH};
}

std::string Unbase64(const std::string& text) {
  std::string bytes;
  EXPECT_TRUE(iam::Base64Decode(text, &bytes)) << text;
  return bytes;
}

// The value of attribute `name` in a SCRAM message ("r=...,s=...,i=...").
std::string Attribute(const std::string& message, char name) {
  size_t pos = 0;
  while (pos < message.size()) {
    size_t comma = message.find(',', pos);
    if (comma == std::string::npos) comma = message.size();
    if (message[pos] == name && message[pos + 1] == '=') return message.substr(pos + 2, comma - pos - 2);
    pos = comma + 1;
  }
  return "";
}

// A SCRAM-SHA-256 client as libpq runs it, computed from the password.
struct Client {
  std::string password;
  std::string nonce = "fyko+d2lbbFgONRv9qkxdawL";
  std::string gs2 = "n,,";
  std::string extension;  // e.g. ",x=1" after the nonce
  std::string first_bare() const { return "n=,r=" + nonce + extension; }
  std::string first() const { return gs2 + first_bare(); }

  std::string salted(const std::string& server_first) const {
    std::string salt = Unbase64(Attribute(server_first, 's'));
    int iterations = std::stoi(Attribute(server_first, 'i'));
    unsigned char out[SHA256_DIGEST_LENGTH];
    PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                      reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()), iterations,
                      EVP_sha256(), sizeof(out), out);
    return {reinterpret_cast<char*>(out), sizeof(out)};
  }

  std::string final_without_proof(const std::string& server_first) const {
    return "c=" + iam::Base64Encode(gs2) + ",r=" + Attribute(server_first, 'r');
  }

  std::string auth_message(const std::string& server_first) const {
    return first_bare() + "," + server_first + "," + final_without_proof(server_first);
  }

  std::string final(const std::string& server_first) const {
    std::string client_key = Hmac(salted(server_first), "Client Key");
    std::string signature = Hmac(Sha256(client_key), auth_message(server_first));
    std::string proof(client_key.size(), '\0');
    for (size_t i = 0; i < proof.size(); ++i) proof[i] = static_cast<char>(client_key[i] ^ signature[i]);
    return final_without_proof(server_first) + ",p=" + iam::Base64Encode(proof);
  }

  std::string expected_server_final(const std::string& server_first) const {
    std::string server_key = Hmac(salted(server_first), "Server Key");
    return "v=" + iam::Base64Encode(Hmac(server_key, auth_message(server_first)));
  }
};

iam::ScramVerifier Verifier(const std::string& password) {
  auto v = iam::MakeScramVerifier(password);
  EXPECT_TRUE(v.ok());
  return *v;
}

TEST(ScramExchange, FullExchangeSucceedsWithTheRightPassword) {
  ScramExchange exchange(Verifier("secret"));
  Client client{"secret"};
  auto server_first = exchange.ClientFirst(client.first());
  ASSERT_TRUE(server_first.ok()) << server_first.status().ToString();
  EXPECT_EQ(server_first->rfind("r=" + client.nonce, 0), 0u);
  EXPECT_GT(Attribute(*server_first, 'r').size(), client.nonce.size() + 16);
  EXPECT_EQ(Attribute(*server_first, 'i'), "4096");
  auto server_final = exchange.ClientFinal(client.final(*server_first));
  ASSERT_TRUE(server_final.ok()) << server_final.status().ToString();
  EXPECT_EQ(*server_final, client.expected_server_final(*server_first));
}

TEST(ScramExchange, AcceptsTheYFlagAndIgnoresExtensions) {
  for (const char* gs2 : {"n,,", "y,,"}) {
    ScramExchange exchange(Verifier("secret"));
    Client client{"secret"};
    client.gs2 = gs2;
    client.extension = ",x=ignored";
    auto server_first = exchange.ClientFirst(client.first());
    ASSERT_TRUE(server_first.ok()) << server_first.status().ToString();
    auto server_final = exchange.ClientFinal(client.final(*server_first));
    ASSERT_TRUE(server_final.ok()) << gs2 << ": " << server_final.status().ToString();
    EXPECT_EQ(*server_final, client.expected_server_final(*server_first));
  }
}

TEST(ScramExchange, WrongPasswordIsPermissionDenied) {
  ScramExchange exchange(Verifier("secret"));
  Client client{"Secret"};
  auto server_first = exchange.ClientFirst(client.first());
  ASSERT_TRUE(server_first.ok());
  auto server_final = exchange.ClientFinal(client.final(*server_first));
  ASSERT_FALSE(server_final.ok());
  EXPECT_EQ(server_final.status().code(), StatusCode::kPermissionDenied);
}

TEST(ScramExchange, MockAlwaysFailsAndLooksStable) {
  ScramExchange first(std::nullopt, "server-secret:ghost");
  ScramExchange second(std::nullopt, "server-secret:ghost");
  ScramExchange other(std::nullopt, "server-secret:phantom");
  Client client{"anything"};
  auto a = first.ClientFirst(client.first());
  auto b = second.ClientFirst(client.first());
  auto c = other.ClientFirst(client.first());
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(Attribute(*a, 's'), Attribute(*b, 's'));  // same user, same salt
  EXPECT_NE(Attribute(*a, 's'), Attribute(*c, 's'));
  EXPECT_EQ(Unbase64(Attribute(*a, 's')).size(), 16u);
  EXPECT_EQ(Attribute(*a, 'i'), "4096");
  EXPECT_NE(Attribute(*a, 'r'), Attribute(*b, 'r'));  // nonces stay random
  auto final = first.ClientFinal(client.final(*a));
  ASSERT_FALSE(final.ok());
  EXPECT_EQ(final.status().code(), StatusCode::kPermissionDenied);
}

TEST(ScramExchange, UnusableVerifierActsAsMock) {
  iam::ScramVerifier broken{4096, "not base64!", "x", "y"};
  ScramExchange exchange(broken, "seed");
  Client client{"secret"};
  auto server_first = exchange.ClientFirst(client.first());
  ASSERT_TRUE(server_first.ok());
  EXPECT_EQ(exchange.ClientFinal(client.final(*server_first)).status().code(), StatusCode::kPermissionDenied);
}

TEST(ScramExchange, RejectsMalformedClientFirstMessages) {
  struct Case {
    const char* message;
    StatusCode code;
  };
  const Case cases[] = {
      {"", StatusCode::kInvalidArgument},
      {"x,,n=,r=abc", StatusCode::kInvalidArgument},
      {"n", StatusCode::kInvalidArgument},
      {"n,n=,r=abc", StatusCode::kInvalidArgument},
      {"n,,r=abc", StatusCode::kInvalidArgument},
      {"n,,n=user", StatusCode::kInvalidArgument},
      {"n,,n=user,r=", StatusCode::kInvalidArgument},
      {"n,,n=user,r=a\x01"
       "b",
       StatusCode::kInvalidArgument},
      {"n,,m=ext,n=,r=abc", StatusCode::kInvalidArgument},
      {"n,,n=,x=abc", StatusCode::kInvalidArgument},
      {"p=tls-server-end-point,,n=,r=abc", StatusCode::kFeatureNotSupported},
      {"n,a=admin,n=,r=abc", StatusCode::kFeatureNotSupported},
  };
  for (const auto& c : cases) {
    ScramExchange exchange(Verifier("secret"));
    auto r = exchange.ClientFirst(c.message);
    ASSERT_FALSE(r.ok()) << c.message;
    EXPECT_EQ(r.status().code(), c.code) << c.message << ": " << r.status().ToString();
  }
}

TEST(ScramExchange, RejectsMalformedClientFinalMessages) {
  Client client{"secret"};
  // Each case edits a correct client-final-message.
  struct Case {
    const char* what;
    std::string (*edit)(const std::string& good, const std::string& server_first);
  };
  const Case cases[] = {
      {"wrong channel binding",
       [](const std::string& good, const std::string&) { return "c=eSws" + good.substr(good.find(',')); }},
      {"binding not base64",
       [](const std::string& good, const std::string&) { return "c=!!!" + good.substr(good.find(',')); }},
      {"wrong nonce",
       [](const std::string& good, const std::string& sf) {
         std::string nonce = Attribute(sf, 'r');
         std::string out = good;
         out.replace(out.find(nonce), nonce.size(), nonce + "x");
         return out;
       }},
      {"missing proof", [](const std::string& good, const std::string&) { return good.substr(0, good.find(",p=")); }},
      {"proof not base64",
       [](const std::string& good, const std::string&) { return good.substr(0, good.find(",p=")) + ",p=@@@@"; }},
      {"short proof",
       [](const std::string& good, const std::string&) {
         return good.substr(0, good.find(",p=")) + ",p=" + iam::Base64Encode("short");
       }},
      {"garbage after proof", [](const std::string& good, const std::string&) { return good + ",x=1"; }},
      {"trailing comma", [](const std::string& good, const std::string&) { return good + ","; }},
      {"missing c", [](const std::string& good, const std::string&) { return good.substr(good.find(',') + 1); }},
      {"empty", [](const std::string&, const std::string&) { return std::string(); }},
  };
  for (const auto& c : cases) {
    ScramExchange exchange(Verifier("secret"));
    auto server_first = exchange.ClientFirst(client.first());
    ASSERT_TRUE(server_first.ok());
    std::string message = c.edit(client.final(*server_first), *server_first);
    auto r = exchange.ClientFinal(message);
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.what << ": " << r.status().ToString();
  }
}

TEST(ScramExchange, RefusesMessagesOutOfOrder) {
  Client client{"secret"};
  ScramExchange early(Verifier("secret"));
  EXPECT_EQ(early.ClientFinal("c=biws,r=x,p=abcd").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(early.ClientFirst(client.first()).status().code(), StatusCode::kInvalidArgument);  // already failed

  ScramExchange twice(Verifier("secret"));
  ASSERT_TRUE(twice.ClientFirst(client.first()).ok());
  EXPECT_EQ(twice.ClientFirst(client.first()).status().code(), StatusCode::kInvalidArgument);

  ScramExchange done(Verifier("secret"));
  auto server_first = done.ClientFirst(client.first());
  ASSERT_TRUE(server_first.ok());
  ASSERT_TRUE(done.ClientFinal(client.final(*server_first)).ok());
  EXPECT_EQ(done.ClientFinal(client.final(*server_first)).status().code(), StatusCode::kInvalidArgument);
}

// RFC 7677 section 3: user "user", password "pencil".
TEST(ScramExchange, MatchesTheRfc7677Example) {
  iam::ScramVerifier v;
  v.iterations = 4096;
  v.salt = "W22ZaJ0SNY7soEsUEjb6gQ==";
  v.stored_key = "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=";
  v.server_key = "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";
  ScramExchange exchange(v, {}, "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
  auto server_first = exchange.ClientFirst("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  ASSERT_TRUE(server_first.ok()) << server_first.status().ToString();
  EXPECT_EQ(*server_first, "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  auto server_final = exchange.ClientFinal(
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  ASSERT_TRUE(server_final.ok()) << server_final.status().ToString();
  EXPECT_EQ(*server_final, "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
}

TEST(ScramExchange, TestClientDerivesTheRfc7677Keys) {
  Client client{"pencil"};
  std::string salted = client.salted("r=x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  EXPECT_EQ(iam::Base64Encode(Sha256(Hmac(salted, "Client Key"))), "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=");
  EXPECT_EQ(iam::Base64Encode(Hmac(salted, "Server Key")), "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=");
}

}  // namespace
}  // namespace weir::pgwire
