#include "api/views.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "access/grant.h"
#include "access/snapshot.h"
#include "catalog/catalog.h"
#include "iam/role.h"
#include "stack/plan.h"
#include "store/store.h"

namespace weir::api {
namespace {

catalog::Column Col(const std::string& name, const std::string& type, bool partition = false) {
  catalog::Column c;
  c.name = name;
  c.type = type;
  c.partition = partition;
  return c;
}

// shop.orders (order_id, email, region partition); roles analyst (SELECT on
// order_id) and idle (nothing); user bob with execution role analyst.
store::MetadataState State() {
  store::MetadataState state;
  state.version = 1;
  for (const char* name : {"analyst", "idle"}) {
    iam::Role role;
    role.name = name;
    state.roles.push_back(role);
  }
  iam::User bob;
  bob.name = "bob";
  bob.execution_role = "analyst";
  bob.tags = {{"dept", "sales"}};
  bob.access_keys.push_back({"AKIAEXAMPLE", {}, true});
  state.users.push_back(bob);
  state.databases = {{"shop", "the shop"}};
  catalog::Table orders;
  orders.database = "shop";
  orders.name = "orders";
  orders.location = "shop/orders";
  orders.columns = {Col("order_id", "BIGINT"), Col("email", "VARCHAR"), Col("region", "VARCHAR", true)};
  state.tables = {orders};
  access::Grant g;
  g.id = 7;
  g.role = "analyst";
  g.database = "shop";
  g.table = "orders";
  g.scope = access::ColumnScope::kInclude;
  g.columns = {"order_id"};
  state.grants = {g};
  state.lake_admins = {"role/analyst"};
  return state;
}

TEST(Views, ListsKeepTheirDocumentedFieldsAndOrder) {
  store::MetadataState state = State();
  EXPECT_EQ(RolesView(state).dump(), R"({"roles":["analyst","idle"]})");
  View users = UsersView(state);
  ASSERT_EQ(users["users"].size(), 1u);
  EXPECT_EQ(users["users"][0].dump(),
            R"({"name":"bob","arn":"arn:aws:iam::123456789012:user/bob","execution_role":"analyst","enabled":true,)"
            R"("tags":{"dept":"sales"},"access_keys":["AKIAEXAMPLE"]})");
  EXPECT_EQ(ClusterView(state)["cluster_role"], "arn:aws:iam::123456789012:role/weir-cluster-role");
  EXPECT_EQ(ClusterView(state).begin().key(), "arn");
  EXPECT_EQ(LakeAdminsView(state).dump(), R"({"lake_admins":["role/analyst"]})");
  EXPECT_EQ(GrantsView(state, "idle")["grants"].size(), 0u);
  EXPECT_EQ(GrantsView(state, "")["grants"][0]["columns"], View::array({"order_id"}));
  EXPECT_EQ(CatalogView(state)["tables"][0]["columns"][2].dump(),
            R"({"name":"region","type":"VARCHAR","partition":true})");
}

TEST(Views, ShowsAnswerNotFoundForWhatIsMissing) {
  store::MetadataState state = State();
  access::Snapshot snapshot(state);
  struct Case {
    Result<View> view;
    StatusCode code;
    std::string message;
  };
  std::vector<Case> cases;
  cases.push_back({RoleView(state, "nope"), StatusCode::kNotFound, "role nope does not exist"});
  cases.push_back({UserView(state, "nope"), StatusCode::kNotFound, "user nope does not exist"});
  cases.push_back({UserRolesView(snapshot, "nope"), StatusCode::kNotFound, "user nope does not exist"});
  cases.push_back({TableView(state, "shop", "nope"), StatusCode::kNotFound, "table shop.nope does not exist"});
  cases.push_back({ResourceTagsView(snapshot, "nope", ""), StatusCode::kNotFound, "database nope does not exist"});
  cases.push_back(
      {ResourceTagsView(snapshot, "shop", "nope"), StatusCode::kNotFound, "table shop.nope does not exist"});
  cases.push_back(
      {ExplainView(snapshot, "nope", "shop", "orders", ""), StatusCode::kNotFound, "role nope does not exist"});
  cases.push_back(
      {ExplainView(snapshot, "analyst", "shop", "nope", ""), StatusCode::kNotFound, "table shop.nope does not exist"});
  cases.push_back({ExplainView(snapshot, "idle", "shop", "orders", ""), StatusCode::kPermissionDenied,
                   "role idle cannot read shop.orders: it holds no grant on the table that admits any of its columns"});
  cases.push_back({ExplainView(snapshot, "analyst", "shop", "orders", "nope"), StatusCode::kUndefinedColumn,
                   "column nope of shop.orders is not readable by role analyst: the table has no such column"});
  cases.push_back({AccessListView(snapshot, "nope"), StatusCode::kNotFound, "role nope does not exist"});
  for (const auto& c : cases) {
    ASSERT_FALSE(c.view.ok()) << c.message;
    EXPECT_EQ(c.view.status().code(), c.code) << c.message;
    EXPECT_EQ(c.view.status().message(), c.message);
  }
}

TEST(Views, ExplainCarriesItsTextAndAnswersHiddenColumns) {
  store::MetadataState state = State();
  access::Snapshot snapshot(state);
  auto table = ExplainView(snapshot, "analyst", "shop", "orders", "");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ((*table)["table"], "shop.orders");
  EXPECT_FALSE((*table)["text"].get<std::string>().empty());
  auto hidden = ExplainView(snapshot, "analyst", "shop", "orders", "email");
  ASSERT_TRUE(hidden.ok());
  EXPECT_EQ((*hidden)["column"]["visible"], false);
  auto list = AccessListView(snapshot, "analyst");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ((*list)["grants"].size(), 1u);
  EXPECT_EQ((*list)["grants"][0]["grant_id"], 7);
  EXPECT_NE((*list)["text"].get<std::string>().find("grants:\n  #7   "), std::string::npos);
  auto roles = UserRolesView(snapshot, "bob");
  ASSERT_TRUE(roles.ok());
  EXPECT_EQ((*roles)["roles"][0].dump(), R"({"name":"analyst","arn":"arn:aws:iam::123456789012:role/analyst"})");
}

// The CLI sends grants in the record form; every kind must survive it.
TEST(Views, GrantRecordsRoundTrip) {
  std::vector<access::Grant> grants(5);
  grants[0].kind = access::ResourceKind::kTable;
  grants[0].database = "shop";
  grants[0].table = "orders";
  grants[0].scope = access::ColumnScope::kExclude;
  grants[0].columns = {"email"};
  grants[0].grantable = {access::Permission::kSelect};
  grants[1].kind = access::ResourceKind::kTable;
  grants[1].database = "shop";
  grants[1].table = "orders";
  grants[1].filter = "us_only";
  grants[2].kind = access::ResourceKind::kTableWildcard;
  grants[2].database = "shop";
  grants[3].kind = access::ResourceKind::kLfTagPolicyTable;
  grants[3].expression = {{"domain", {"hr", "sales"}}};
  grants[4].kind = access::ResourceKind::kCatalog;
  grants[4].permissions = {};  // a revoke of the grant option alone
  grants[4].grantable = {access::Permission::kCreateDatabase};
  for (auto& g : grants) {
    g.role = "analyst";
    auto back = stack::GrantFromJson(stack::GrantToJson(g));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->ResourceLabel(), g.ResourceLabel());
    EXPECT_EQ(stack::GrantToJson(*back), stack::GrantToJson(g));
  }
}

}  // namespace
}  // namespace weir::api
