#include "iam/scram.h"

#include <gtest/gtest.h>

namespace weir::iam {
namespace {

TEST(Scram, VerifierChecksTheRightPasswordOnly) {
  auto v = MakeScramVerifier("correct horse", 4096);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(CheckPassword(*v, "correct horse"));
  EXPECT_FALSE(CheckPassword(*v, "correct horsE"));
  EXPECT_FALSE(CheckPassword(*v, ""));
}

TEST(Scram, SaltsDiffer) {
  auto a = MakeScramVerifier("pw");
  auto b = MakeScramVerifier("pw");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->salt, b->salt);
  EXPECT_NE(a->stored_key, b->stored_key);
}

// RFC 7677's example: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
TEST(Scram, MatchesTheRfc7677Vector) {
  ScramVerifier v;
  v.iterations = 4096;
  v.salt = "W22ZaJ0SNY7soEsUEjb6gQ==";
  // StoredKey = H(ClientKey) for the RFC's SaltedPassword; ServerKey as in the RFC's server signature derivation.
  v.stored_key = "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=";
  v.server_key = "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";
  EXPECT_TRUE(CheckPassword(v, "pencil"));
  EXPECT_FALSE(CheckPassword(v, "pencils"));
}

TEST(Scram, MalformedVerifierNeverMatches) {
  ScramVerifier v{4096, "not base64!", "x", "y"};
  EXPECT_FALSE(CheckPassword(v, "pw"));
  EXPECT_FALSE(CheckPassword(ScramVerifier{}, ""));
}

TEST(Scram, GeneratedPasswordsAreAlphanumeric) {
  std::string p = GeneratePassword(32);
  EXPECT_EQ(p.size(), 32u);
  for (char c : p) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
  EXPECT_NE(GeneratePassword(), GeneratePassword());
}

TEST(Scram, Base64RoundTrips) {
  for (std::string s :
       {std::string(""), std::string("a"), std::string("ab"), std::string("abc"), std::string("\0\xff\x10", 3)}) {
    std::string back;
    ASSERT_TRUE(Base64Decode(Base64Encode(s), &back));
    EXPECT_EQ(back, s);
  }
  std::string out;
  EXPECT_FALSE(Base64Decode("abc", &out));
}

}  // namespace
}  // namespace weir::iam
