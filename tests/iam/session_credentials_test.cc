#include "iam/session_credentials.h"

#include <gtest/gtest.h>

#include "iam/scram.h"

namespace weir::iam {
namespace {

std::string Key() {
  std::string key;
  EXPECT_TRUE(Base64Decode(NewSessionKey(), &key));
  return key;
}

TEST(SessionCredentials, RoundTripUntilExpiry) {
  std::string key = Key();
  auto creds = IssueSessionCredentials(key, {"tina", "sales", "tina-1", 1000, 4600});
  EXPECT_EQ(creds.username, "sts:tina");
  EXPECT_EQ(SessionUserFromName(creds.username), "tina");
  EXPECT_EQ(SessionUserFromName("tina"), std::nullopt);
  EXPECT_TRUE(IsSessionPassword(creds.password));
  auto claims = VerifySessionPassword(key, "tina", creds.password, 2000);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->role, "sales");
  EXPECT_EQ(claims->session_name, "tina-1");
  EXPECT_EQ(VerifySessionPassword(key, "tina", creds.password, 4600).status().message(),
            "session credentials have expired");
}

TEST(SessionCredentials, RotatingTheKeyRevokes) {
  auto creds = IssueSessionCredentials(Key(), {"tina", "sales", "s", 0, 100});
  EXPECT_EQ(VerifySessionPassword(Key(), "tina", creds.password, 1).status().code(), StatusCode::kPermissionDenied);
}

TEST(SessionCredentials, BoundToTheUser) {
  std::string key = Key();
  auto creds = IssueSessionCredentials(key, {"tina", "sales", "s", 0, 100});
  EXPECT_EQ(VerifySessionPassword(key, "david", creds.password, 1).status().message(),
            "session credentials belong to another user");
}

TEST(SessionCredentials, TamperedPasswordsFail) {
  std::string key = Key();
  auto creds = IssueSessionCredentials(key, {"tina", "sales", "s", 0, 100});
  std::string forged = creds.password;
  // Change the claims (role) without the key: the MAC no longer matches.
  auto other = IssueSessionCredentials(Key(), {"tina", "admin", "s", 0, 100});
  forged = other.password.substr(0, other.password.rfind('.')) + creds.password.substr(creds.password.rfind('.'));
  for (const std::string& bad : {forged, std::string("weir-sts."), std::string("weir-sts.x.y"), std::string("pw"),
                                 creds.password + "x", creds.password.substr(0, creds.password.size() - 2)}) {
    EXPECT_EQ(VerifySessionPassword(key, "tina", bad, 1).status().code(), StatusCode::kPermissionDenied) << bad;
  }
}

}  // namespace
}  // namespace weir::iam
