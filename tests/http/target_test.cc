#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "http/http.h"

namespace weir::http {
namespace {

// What BuildTarget writes, ParseRequestHead reads back: a name holding a
// slash stays one segment (a lake administrator "role/x"), empty query
// values are left out.
TEST(BuildTarget, RoundTripsThroughTheRequestParser) {
  struct Case {
    std::vector<std::string> segments;
    std::vector<std::pair<std::string, std::string>> query;
    std::string target;
  };
  const std::vector<Case> cases = {
      {{"v1", "roles"}, {}, "/v1/roles"},
      {{"v1", "lake-admins", "role/x"}, {}, "/v1/lake-admins/role%2Fx"},
      {{"v1", "roles", "a b?c"}, {}, "/v1/roles/a%20b%3Fc"},
      {{"v1", "access", "explain"},
       {{"role", "r"}, {"table", "db.t"}, {"column", ""}},
       "/v1/access/explain?role=r&table=db.t"},
      {{"v1", "audit"},
       {{"since", "2026-01-01T00:00:00Z"}, {"user", "a&b=c"}},
       "/v1/audit?since=2026-01-01T00%3A00%3A00Z&user=a%26b%3Dc"},
      {{}, {}, "/"},
  };
  for (const auto& c : cases) {
    std::string target = BuildTarget(c.segments, c.query);
    EXPECT_EQ(target, c.target);
    Request request;
    ASSERT_TRUE(ParseRequestHead("GET " + target + " HTTP/1.1", &request).ok()) << target;
    EXPECT_EQ(request.segments, c.segments) << target;
    std::map<std::string, std::string> expected;
    for (const auto& [k, v] : c.query) {
      if (!v.empty()) expected[k] = v;
    }
    EXPECT_EQ(request.query, expected) << target;
  }
}

}  // namespace
}  // namespace weir::http
