#include "common/status.h"

#include <gtest/gtest.h>

namespace weir {
namespace {

TEST(Status, EveryDenialIs42501) {
  EXPECT_EQ(Status::PermissionDenied("x").sqlstate(), "42501");
  EXPECT_EQ(Status::UndefinedColumn("x").sqlstate(), "42703");
  EXPECT_EQ(Status::Ok().sqlstate(), "00000");
}

TEST(Status, ToStringNamesTheCode) {
  EXPECT_EQ(Status::NotFound("no role r").ToString(), "not_found: no role r");
  EXPECT_EQ(Status::Ok().ToString(), "ok");
}

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  WEIR_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(Result, PropagatesErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Quarter(4).status().ok());
}

TEST(Status, CodeNamesParseBack) {
  for (int i = 0; i <= static_cast<int>(StatusCode::kActiveTransaction); ++i) {
    auto code = static_cast<StatusCode>(i);
    auto parsed = StatusCodeFromName(StatusCodeName(code));
    ASSERT_TRUE(parsed.has_value()) << StatusCodeName(code);
    EXPECT_EQ(*parsed, code);
  }
  EXPECT_FALSE(StatusCodeFromName("no_such_code").has_value());
  EXPECT_FALSE(StatusCodeFromName("").has_value());
}

}  // namespace
}  // namespace weir
