// Authorization of the admin verbs by IAM actions (admin/actions.h): every
// row of the action table, then the rules one by one.

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "admin/actions.h"
#include "admin/admin.h"
#include "admin/data_dir.h"
#include "common/temp_dir.h"
#include "iam/assume.h"
#include "store/store.h"

namespace weir::admin {
namespace {

constexpr const char* kAccount = "123456789012";

std::string RoleArn(const std::string& name) { return std::string("arn:aws:iam::") + kAccount + ":role/" + name; }
std::string UserArn(const std::string& name) { return std::string("arn:aws:iam::") + kAccount + ":user/" + name; }
std::string PolicyArn(const std::string& name) { return std::string("arn:aws:iam::") + kAccount + ":policy/" + name; }
const std::string kClusterArn = std::string("arn:aws:elasticmapreduce:local:") + kAccount + ":cluster/weir";
const std::string kCatalogArn = std::string("arn:aws:glue:local:") + kAccount + ":catalog";
std::string StackArn(const std::string& name) {
  return std::string("arn:aws:cloudformation:local:") + kAccount + ":stack/" + name;
}
std::string TableArnOf(const std::string& db, const std::string& table) {
  return std::string("arn:aws:glue:local:") + kAccount + ":table/" + db + "/" + table;
}

const std::string kAllowAll =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";

// An identity policy of Allow statements, one per (action, resource).
std::string AllowOnly(const std::vector<std::pair<std::string, std::string>>& grants) {
  nlohmann::json statements = nlohmann::json::array();
  for (const auto& [action, resource] : grants) {
    statements.push_back({{"Effect", "Allow"}, {"Action", action}, {"Resource", resource}});
  }
  return nlohmann::json{{"Version", "2012-10-17"}, {"Statement", statements}}.dump();
}

// A data directory with something for every verb to act on:
//   roles    team-a (tag team=a; managed policy p1 attached; SELECT on db.t),
//            team-b (tag team=b), victim (inline policy "inline"),
//            david-role (tag team=a; david's execution role, no policies)
//   users    david (password "pw"), target (execution role team-a, tag
//            team=a, one access key)
//   policies p0 (unattached), p1
//   catalog  db.t (CSV: a, b) with data cells filter f; db/u has files but
//            is not registered
//   cluster  tag team=a
//   LF-Tag   domain (values sales, hr), domain=sales on db.t
class World {
 public:
  // Copies the world built once (most of a test's time would otherwise go to
  // the store's fsyncs).
  World() {
    const Template& t = Built();
    std::filesystem::copy(t.dir.path() + "/d", temp_.path() + "/d", std::filesystem::copy_options::recursive);
    auto dir = DataDir::Open(temp_.path() + "/d");
    EXPECT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = std::move(dir).value();
    key_id_ = t.key_id;
  }

  DataDir* dir() { return dir_.get(); }
  const std::string& key_id() const { return key_id_; }
  Admin Local() { return Admin(dir_.get(), "local:test"); }
  Admin As(const std::string& user) { return Admin(dir_.get(), Caller::ForUser(user)); }

  // Replaces david's permissions with `document` (empty: none).
  void SetDavidPolicy(const std::string& document) {
    Admin local = Local();
    (void)local.DeleteRolePolicy("david-role", "grant");  // NotFound when there is none
    if (!document.empty()) Must(local.PutRolePolicy("david-role", "grant", document));
  }

  store::MetadataState State() {
    auto state = dir_->store().Load();
    EXPECT_TRUE(state.ok());
    return std::move(state).value();
  }

  audit::Record LastRecord() {
    auto records = dir_->store().ReadAudit(0, 100000);
    EXPECT_TRUE(records.ok() && !records->empty());
    return records->back();
  }

  static void Must(const Status& status) { ASSERT_TRUE(status.ok()) << status.ToString(); }

 private:
  struct Template {
    testing::TempDir dir{"weir-authz-world"};
    std::string key_id;
  };

  static const Template& Built() {
    static Template t;  // removed at exit
    static const bool built = Build(&t);
    EXPECT_TRUE(built);
    return t;
  }

  static bool Build(Template* t) {
    {
      EXPECT_TRUE(DataDir::Init(t->dir.path() + "/d").ok());
      auto opened = DataDir::Open(t->dir.path() + "/d");
      EXPECT_TRUE(opened.ok()) << opened.status().ToString();
      std::unique_ptr<DataDir> dir = std::move(opened).value();
      for (const char* table : {"t", "u"}) {
        std::filesystem::create_directories(dir->lake_root() + "/db/" + table);
        std::ofstream(dir->lake_root() + "/db/" + table + "/part-0.csv") << "a,b\n1,x\n2,y\n";
      }
      Admin local(dir.get(), "local:test");
      Must(local.Bootstrap(iam::Cluster{}, "admin-password"));
      Must(local.TagCluster({{"team", "a"}}, {}));
      for (const char* role : {"team-a", "team-b", "victim", "david-role"}) Must(local.CreateRole(role));
      Must(local.TagRole("team-a", {{"team", "a"}}, {}));
      Must(local.TagRole("team-b", {{"team", "b"}}, {}));
      Must(local.TagRole("david-role", {{"team", "a"}}, {}));
      Must(local.PutRolePolicy("victim", "inline", kAllowAll));
      Must(local.CreatePolicy("p0", kAllowAll, ""));
      Must(local.CreatePolicy("p1", kAllowAll, ""));
      Must(local.AttachRolePolicy("team-a", "p1"));
      Must(local.CreateUser("david", "david-role", "pw", {}));
      Must(local.CreateUser("target", "team-a", "pw", {{"team", "a"}}));
      auto key = local.CreateAccessKey("target");
      Must(key.status());
      if (key.ok()) t->key_id = key->first;
      Must(local.RegisterTable("db", "t", "db/t", catalog::TableFormat::kCsv, true).status());
      Must(local.CreateFilter("db", "t", "f", "", access::ColumnScope::kAll, {}));
      Must(local.Grant("team-a", "db", "t", access::ColumnScope::kAll, {}));
      Must(local.CreateDatabase("empty"));
      Must(local.PutStack("s0", "{}"));
      // Lake Formation's grant option is checked beyond IAM; as a data lake
      // administrator david may grant anything IAM lets him.
      Must(local.AddLakeAdmin("user/david"));
      Must(local.CreateLfTag("domain", {"sales", "hr"}));
      Must(local.AddLfTagsToResource({"db", "t", ""}, {{"domain", "sales"}}));
    }  // closes the directory: copies are taken from a quiet store
    return !t->key_id.empty();
  }

  testing::TempDir temp_{"weir-authz"};
  std::unique_ptr<DataDir> dir_;
  std::string key_id_;
};

// Everything a verb could change, as text.
std::string Dump(const store::MetadataState& s) {
  nlohmann::json out;
  for (const auto& r : s.roles) out["roles"][r.name] = iam::ToJson(r);
  for (const auto& u : s.users) out["users"][u.name] = iam::ToJson(u);
  for (const auto& p : s.policies) out["policies"][p.name] = {p.description, p.document};
  for (const auto& d : s.databases) out["databases"].push_back(d.name);
  for (const auto& t : s.tables) out["tables"].push_back({t.QualifiedName(), t.location, t.columns.size()});
  for (const auto& g : s.grants) out["grants"].push_back({g.id, g.role, g.database, g.table, g.columns, g.filter});
  for (const auto& f : s.filters) out["filters"].push_back({f.database, f.table, f.name, f.row_filter});
  for (const auto& t : s.lf_tags) out["lf_tags"][t.key] = t.values;
  for (const auto& a : s.tag_assignments) out["tag_assignments"].push_back({a.resource.Label(), a.key, a.value});
  out["cluster"] = iam::ToJson(s.cluster);
  out["secrets"] = s.secrets;
  return out.dump();
}

// One row of the action table: a verb that needs it, the resource it names,
// and the other accesses that verb needs too.
struct Case {
  Operation operation;
  std::string resource;
  std::function<Status(Admin&, World&)> run;
  std::vector<std::pair<std::string, std::string>> also = {};
};

std::vector<Case> Cases() {
  const std::string trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/weir-cluster-role"},"Action":"sts:AssumeRole"}]})";
  using O = Operation;
  using access::ColumnScope;
  return {
      {O::kCreateRole, RoleArn("new-role"), [](Admin& a, World&) { return a.CreateRole("new-role"); }},
      {O::kDeleteRole, RoleArn("victim"), [](Admin& a, World&) { return a.DeleteRole("victim"); }},
      {O::kSetTrustPolicy, RoleArn("victim"), [=](Admin& a, World&) { return a.SetTrustPolicy("victim", trust); }},
      {O::kPutRolePolicy, RoleArn("victim"),
       [](Admin& a, World&) { return a.PutRolePolicy("victim", "more", kAllowAll); }},
      {O::kDeleteRolePolicy, RoleArn("victim"),
       [](Admin& a, World&) { return a.DeleteRolePolicy("victim", "inline"); }},
      {O::kAttachRolePolicy, RoleArn("victim"), [](Admin& a, World&) { return a.AttachRolePolicy("victim", "p1"); }},
      {O::kDetachRolePolicy, RoleArn("team-a"), [](Admin& a, World&) { return a.DetachRolePolicy("team-a", "p1"); }},
      {O::kTagRole, RoleArn("victim"),
       [](Admin& a, World&) {
         return a.TagRole("victim", {{"k", "v"}}, {});
       }},
      {O::kUntagRole, RoleArn("team-a"), [](Admin& a, World&) { return a.TagRole("team-a", {}, {"team"}); }},
      {O::kSetMaxSessionDuration, RoleArn("victim"),
       [](Admin& a, World&) { return a.SetMaxSessionDuration("victim", 7200); }},
      {O::kGetRole, RoleArn("victim"),
       [](Admin& a, World&) {
         return a.Check({O::kGetRole, "victim"});
       }},
      {O::kListRoles, "*", [](Admin& a, World&) { return a.Check({O::kListRoles}); }},
      {O::kCreateUser,
       UserArn("newbie"),
       [](Admin& a, World&) { return a.CreateUser("newbie", "team-a", "pw", {}); },
       {{"iam:PassRole", RoleArn("team-a")}}},
      {O::kPassRole,
       RoleArn("team-a"),
       [](Admin& a, World&) { return a.CreateUser("newbie", "team-a", "pw", {}); },
       {{"iam:CreateUser", UserArn("newbie")}}},
      {O::kUpdateUser, UserArn("target"),
       [](Admin& a, World&) { return a.UpdateUser("target", std::nullopt, false, {}, {}); }},
      {O::kTagUser, UserArn("target"),
       [](Admin& a, World&) {
         return a.UpdateUser("target", std::nullopt, std::nullopt, {{"k", "v"}}, {});
       }},
      {O::kUntagUser, UserArn("target"),
       [](Admin& a, World&) { return a.UpdateUser("target", std::nullopt, std::nullopt, {}, {"team"}); }},
      {O::kSetPassword, UserArn("target"), [](Admin& a, World&) { return a.SetPassword("target", "new"); }},
      {O::kCreateAccessKey, UserArn("target"), [](Admin& a, World&) { return a.CreateAccessKey("target").status(); }},
      {O::kDeleteAccessKey, UserArn("target"),
       [](Admin& a, World& w) { return a.DeleteAccessKey("target", w.key_id()); }},
      {O::kDeleteUser, UserArn("target"), [](Admin& a, World&) { return a.DeleteUser("target"); }},
      {O::kGetUser, UserArn("target"),
       [](Admin& a, World&) {
         return a.Check({O::kGetUser, "target"});
       }},
      {O::kListUsers, "*", [](Admin& a, World&) { return a.Check({O::kListUsers}); }},
      {O::kSimulateUser, UserArn("target"),
       [](Admin& a, World&) {
         return a.Check({O::kSimulateUser, "target"});
       }},
      {O::kCreatePolicy, PolicyArn("p2"), [](Admin& a, World&) { return a.CreatePolicy("p2", kAllowAll, ""); }},
      {O::kUpdatePolicy, PolicyArn("p1"), [](Admin& a, World&) { return a.UpdatePolicy("p1", kAllowAll); }},
      {O::kDeletePolicy, PolicyArn("p0"), [](Admin& a, World&) { return a.DeletePolicy("p0"); }},
      {O::kListPolicies, "*", [](Admin& a, World&) { return a.Check({O::kListPolicies}); }},
      {O::kTagCluster, kClusterArn,
       [](Admin& a, World&) {
         return a.TagCluster({{"k", "v"}}, {});
       }},
      {O::kUntagCluster, kClusterArn, [](Admin& a, World&) { return a.TagCluster({}, {"team"}); }},
      {O::kDescribeCluster, kClusterArn, [](Admin& a, World&) { return a.Check({O::kDescribeCluster}); }},
      {O::kGetSessionCredentials, kClusterArn,
       [](Admin& a, World&) { return a.GetSessionCredentials("target", "team-a", 900).status(); }},
      {O::kRotateSessionKey, kClusterArn, [](Admin& a, World&) { return a.RotateSessionKey(); }},
      {O::kCreateDatabase, std::string("arn:aws:glue:local:") + kAccount + ":database/db2",
       [](Admin& a, World&) { return a.CreateDatabase("db2"); }},
      {O::kRegisterTable, TableArnOf("db", "u"),
       [](Admin& a, World&) { return a.RegisterTable("db", "u", "db/u", catalog::TableFormat::kCsv, false).status(); }},
      {O::kDropTable, TableArnOf("db", "t"), [](Admin& a, World&) { return a.DropTable("db", "t"); }},
      {O::kGetTable, TableArnOf("db", "t"),
       [](Admin& a, World&) {
         return a.Check({O::kGetTable, "db", "t"});
       }},
      {O::kListTables, kCatalogArn, [](Admin& a, World&) { return a.Check({O::kListTables}); }},
      {O::kCreateFilter, TableArnOf("db", "t"),
       [](Admin& a, World&) { return a.CreateFilter("db", "t", "g", "a = 1", ColumnScope::kAll, {}); }},
      {O::kDeleteFilter, TableArnOf("db", "t"), [](Admin& a, World&) { return a.DeleteFilter("db", "t", "f"); }},
      {O::kListFilters, kCatalogArn, [](Admin& a, World&) { return a.Check({O::kListFilters}); }},
      {O::kGrant, TableArnOf("db", "t"),
       [](Admin& a, World&) { return a.Grant("team-b", "db", "t", ColumnScope::kAll, {}); }},
      {O::kRevoke, TableArnOf("db", "t"),
       [](Admin& a, World&) { return a.Revoke("team-a", "db", "t", ColumnScope::kAll, {}); }},
      {O::kExplainAccess, TableArnOf("db", "t"),
       [](Admin& a, World&) {
         return a.Check({O::kExplainAccess, "db", "t"});
       }},
      {O::kListAccess, kCatalogArn, [](Admin& a, World&) { return a.Check({O::kListAccess}); }},
      {O::kPutDataLakeSettings, "*", [](Admin& a, World&) { return a.AddLakeAdmin("role/team-b"); }},
      {O::kGetDataLakeSettings, "*", [](Admin& a, World&) { return a.Check({O::kGetDataLakeSettings}); }},
      {O::kDeleteDatabase, std::string("arn:aws:glue:local:") + kAccount + ":database/empty",
       [](Admin& a, World&) { return a.DeleteDatabase("empty"); }},
      {O::kCreateStack, StackArn("s1"), [](Admin& a, World&) { return a.PutStack("s1", "{}"); }},
      {O::kUpdateStack, StackArn("s0"), [](Admin& a, World&) { return a.PutStack("s0", "{\"x\":1}"); }},
      {O::kDeleteStack, StackArn("s0"), [](Admin& a, World&) { return a.DeleteStack("s0"); }},
      {O::kCreateLfTag, "*", [](Admin& a, World&) { return a.CreateLfTag("color", {"red"}); }},
      {O::kUpdateLfTag, "*", [](Admin& a, World&) { return a.UpdateLfTag("domain", {"finance"}, {}); }},
      {O::kDeleteLfTag, "*", [](Admin& a, World&) { return a.DeleteLfTag("domain"); }},
      {O::kListLfTags, "*", [](Admin& a, World&) { return a.Check({O::kListLfTags}); }},
      {O::kAddLfTagsToResource, TableArnOf("db", "t"),
       [](Admin& a, World&) {
         return a.AddLfTagsToResource({"db", "t", "a"}, {{"domain", "hr"}});
       }},
      {O::kRemoveLfTagsFromResource, TableArnOf("db", "t"),
       [](Admin& a, World&) {
         return a.RemoveLfTagsFromResource({"db", "t", ""}, {"domain"});
       }},
      {O::kGetResourceLfTags, TableArnOf("db", "t"),
       [](Admin& a, World&) {
         return a.Check({O::kGetResourceLfTags, "db", "t"});
       }},
      {O::kLookupAuditEvents, "*", [](Admin& a, World&) { return a.Check({O::kLookupAuditEvents}); }},
  };
}

TEST(ActionTable, RowsAreInEnumOrderWithValidActions) {
  const auto& rows = Operations();
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(rows[i].operation), i);
    iam::Request request;
    request.action = rows[i].action;
    request.resource = "*";
    EXPECT_TRUE(iam::ValidateRequest(request).ok()) << rows[i].action;
    EXPECT_FALSE(std::string(rows[i].name).empty());
  }
}

TEST(ActionTable, EveryRowHasACase) {
  std::vector<bool> covered(Operations().size(), false);
  for (const auto& c : Cases()) covered[static_cast<size_t>(c.operation)] = true;
  for (size_t i = 0; i < covered.size(); ++i) EXPECT_TRUE(covered[i]) << Operations()[i].action;
}

TEST(ActionTable, UserIsDeniedEachOperationUntilExactlyItIsAllowed) {
  for (const Case& c : Cases()) {
    const OperationInfo& info = InfoOf(c.operation);
    SCOPED_TRACE(std::string(info.action) + " on " + c.resource);
    World world;
    // Everything else the verb needs, but not this.
    world.SetDavidPolicy(c.also.empty() ? "" : AllowOnly(c.also));
    const std::string before = Dump(world.State());
    Admin david = world.As("david");
    Status denied = c.run(david, world);
    ASSERT_EQ(denied.code(), StatusCode::kPermissionDenied) << denied.ToString();
    EXPECT_EQ(denied.message(), "user david is not authorized to perform " + std::string(info.action) +
                                    " on resource " + c.resource +
                                    " (no identity policy of execution role david-role allows it)");
    EXPECT_EQ(Dump(world.State()), before);
    audit::Record record = world.LastRecord();
    EXPECT_EQ(record.decision, "deny");
    EXPECT_EQ(record.actor, "david");
    EXPECT_EQ(record.role, "david-role");
    EXPECT_EQ(record.error, "42501: " + denied.message());

    auto grants = c.also;
    grants.emplace_back(info.action, c.resource);
    world.SetDavidPolicy(AllowOnly(grants));
    Status allowed = c.run(david, world);
    EXPECT_TRUE(allowed.ok()) << allowed.ToString();
  }
}

TEST(ActionTable, BootstrapAdministratorMayDoEverything) {
  World world;
  iam::Directory directory(world.State());
  for (const Case& c : Cases()) {
    Access access{c.operation, "victim", "t"};
    EXPECT_TRUE(Authorize(Caller::ForUser("admin"), directory, access).ok()) << InfoOf(c.operation).action;
  }
  // And through the verbs.
  Admin admin = world.As("admin");
  EXPECT_TRUE(admin.CreateRole("by-admin").ok());
  EXPECT_TRUE(admin.Grant("by-admin", "db", "t", access::ColumnScope::kAll, {}).ok());
  EXPECT_TRUE(admin.DeleteUser("target").ok());
}

TEST(ActionTable, LocalAdministratorNeedsNoPolicy) {
  World world;
  Admin local = world.Local();
  EXPECT_TRUE(local.CreateRole("anything").ok());
  EXPECT_TRUE(local.Check({Operation::kListRoles}).ok());
  EXPECT_EQ(world.LastRecord().actor, "local:test");
  EXPECT_EQ(world.LastRecord().role, "");
}

TEST(Authorization, ExplicitDenyBeatsAllowAndIsNamed) {
  World world;
  world.SetDavidPolicy(R"({"Version":"2012-10-17","Statement":[
      {"Sid":"Everything","Effect":"Allow","Action":"*","Resource":"*"},
      {"Sid":"NoDeletes","Effect":"Deny","Action":"iam:Delete*","Resource":"*"}]})");
  Admin david = world.As("david");
  Status s = david.DeleteRole("victim");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(),
            "user david is not authorized to perform iam:DeleteRole on resource " + RoleArn("victim") +
                " (explicitly denied by statement NoDeletes of the policies of execution role david-role)");
  EXPECT_TRUE(david.CreateRole("still-allowed").ok());
}

TEST(Authorization, ResourceScopedAllow) {
  World world;
  world.SetDavidPolicy(AllowOnly({{"iam:PutRolePolicy", std::string("arn:aws:iam::") + kAccount + ":role/team-*"}}));
  Admin david = world.As("david");
  EXPECT_TRUE(david.PutRolePolicy("team-a", "x", kAllowAll).ok());
  EXPECT_TRUE(david.PutRolePolicy("team-b", "x", kAllowAll).ok());
  EXPECT_EQ(david.PutRolePolicy("victim", "x", kAllowAll).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(david.DeleteRolePolicy("team-a", "x").code(), StatusCode::kPermissionDenied);
}

TEST(Authorization, ResourceTagConditionsFollowTheRole) {
  World world;
  world.SetDavidPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:TagRole",
      "Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"a"}}}]})");
  Admin david = world.As("david");
  EXPECT_TRUE(david.TagRole("team-a", {{"k", "v"}}, {}).ok());
  EXPECT_EQ(david.TagRole("team-b", {{"k", "v"}}, {}).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(david.TagRole("victim", {{"k", "v"}}, {}).code(), StatusCode::kPermissionDenied);  // untagged
}

TEST(Authorization, ResourceTagMatchedToPrincipalTag) {
  World world;
  // david's execution role carries team=a.
  world.SetDavidPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PutRolePolicy",
      "Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}]})");
  Admin david = world.As("david");
  EXPECT_TRUE(david.PutRolePolicy("team-a", "x", kAllowAll).ok());
  EXPECT_EQ(david.PutRolePolicy("team-b", "x", kAllowAll).code(), StatusCode::kPermissionDenied);
}

TEST(Authorization, RequestTagsAndTagKeysAreInTheContext) {
  World world;
  world.SetDavidPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:TagRole",
      "Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/owner":"david"},
      "ForAllValues:StringEquals":{"aws:TagKeys":["owner"]}}}]})");
  Admin david = world.As("david");
  EXPECT_TRUE(david.TagRole("victim", {{"owner", "david"}}, {}).ok());
  EXPECT_FALSE(david.TagRole("victim", {{"owner", "eve"}}, {}).ok());
  EXPECT_FALSE(david.TagRole("victim", {{"owner", "david"}, {"team", "x"}}, {}).ok());
}

TEST(Authorization, ClusterTagsAreResourceTags) {
  World world;  // the cluster carries team=a
  world.SetDavidPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"weir:RotateSessionKey",
      "Resource":"*","Condition":{"StringEquals":{"elasticmapreduce:ResourceTag/team":"a"}}}]})");
  Admin david = world.As("david");
  EXPECT_TRUE(david.RotateSessionKey().ok());
  ASSERT_TRUE(world.Local().TagCluster({{"team", "b"}}, {}).ok());
  EXPECT_EQ(david.RotateSessionKey().code(), StatusCode::kPermissionDenied);
}

TEST(Authorization, AttachingNeedsThePolicyArnAllowed) {
  World world;
  world.SetDavidPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:AttachRolePolicy",
      "Resource":"*","Condition":{"ArnEquals":{"iam:PolicyARN":"arn:aws:iam::123456789012:policy/p0"}}}]})");
  Admin david = world.As("david");
  EXPECT_TRUE(david.AttachRolePolicy("victim", "p0").ok());
  EXPECT_EQ(david.AttachRolePolicy("victim", "p1").code(), StatusCode::kPermissionDenied);
}

TEST(Authorization, GivingAUserARoleNeedsPassRole) {
  World world;
  world.SetDavidPolicy(AllowOnly({{"iam:UpdateUser", UserArn("david")}}));
  Admin david = world.As("david");
  Status s = david.UpdateUser("david", "weir-admin", std::nullopt, {}, {});
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("iam:PassRole on resource " + RoleArn("weir-admin")), std::string::npos) << s.message();
  EXPECT_EQ(world.State().users[1].execution_role, "david-role");  // admin, david, target
}

TEST(Authorization, SessionCredentialsForOneselfNeedOnlyTheRuntimeRoleChecks) {
  World world;
  Admin david = world.As("david");
  EXPECT_TRUE(david.GetSessionCredentials("david", "david-role", 900).ok());
  Status other = david.GetSessionCredentials("target", "team-a", 900).status();
  EXPECT_EQ(other.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(other.message().find("elasticmapreduce:GetClusterSessionCredentials"), std::string::npos);
}

TEST(Authorization, DisabledAndUnknownUsersAreDenied) {
  World world;
  world.SetDavidPolicy(kAllowAll);
  ASSERT_TRUE(world.Local().UpdateUser("david", std::nullopt, false, {}, {}).ok());
  Status disabled = world.As("david").CreateRole("x");
  EXPECT_EQ(disabled.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(disabled.message().find("(user david is disabled)"), std::string::npos) << disabled.message();
  Status unknown = world.As("nobody").CreateRole("x");
  EXPECT_EQ(unknown.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(unknown.message().find("(user nobody does not exist)"), std::string::npos) << unknown.message();
}

TEST(Authorization, PolicyChangeTakesEffectOnTheNextVerb) {
  World world;
  Admin david = world.As("david");
  EXPECT_FALSE(david.CreateRole("x").ok());
  world.SetDavidPolicy(AllowOnly({{"iam:CreateRole", "*"}}));
  EXPECT_TRUE(david.CreateRole("x").ok());
  world.SetDavidPolicy("");
  EXPECT_FALSE(david.CreateRole("y").ok());
}

TEST(Authorization, AllowedChangeRecordsTheUserAndTheDecidingStatement) {
  World world;
  world.SetDavidPolicy(
      R"({"Version":"2012-10-17","Statement":[{"Sid":"Roles","Effect":"Allow","Action":"iam:CreateRole","Resource":"*"}]})");
  ASSERT_TRUE(world.As("david").CreateRole("x").ok());
  audit::Record record = world.LastRecord();
  EXPECT_EQ(record.action, "create_role");
  EXPECT_EQ(record.decision, "allow");
  EXPECT_EQ(record.actor, "david");
  EXPECT_EQ(record.source_identity, "david");
  EXPECT_EQ(record.role, "david-role");
  ASSERT_EQ(record.detail["authorization"].size(), 1u);
  EXPECT_EQ(record.detail["authorization"][0]["action"], "iam:CreateRole");
  EXPECT_EQ(record.detail["authorization"][0]["statements"], nlohmann::json::array({"Roles"}));
}

TEST(Authorization, DeniedReadIsAuditedAndAllowedReadIsNot) {
  World world;
  const int64_t before = world.LastRecord().seq;
  EXPECT_EQ(world.As("david").Check({Operation::kListRoles}).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(world.LastRecord().action, "list_roles");
  EXPECT_EQ(world.LastRecord().seq, before + 1);
  world.SetDavidPolicy(AllowOnly({{"iam:ListRoles", "*"}}));
  const int64_t after_policy = world.LastRecord().seq;
  EXPECT_TRUE(world.As("david").Check({Operation::kListRoles}).ok());
  EXPECT_EQ(world.LastRecord().seq, after_policy);
}

TEST(Authorization, CallerClaimsCannotOverrideThePrincipalsTags) {
  World world;  // david-role carries team=a
  iam::Request request;
  request.action = "iam:GetRole";
  request.resource = RoleArn("x");
  request.context.Set("aws:PrincipalTag/team", "b");
  request.context.Set("aws:PrincipalTag/admin", "true");
  request.context.Set("aws:username", "admin");
  ASSERT_TRUE(world.Local()
                  .PutRolePolicy("david-role", "grant", R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a",
       "aws:username":"david"},"Null":{"aws:PrincipalTag/admin":"true"}}}]})")
                  .ok());
  iam::Directory updated(world.State());
  EXPECT_TRUE(updated.Authorize("david", request).allowed());
}

// The store's state and a snapshot's directory authenticate alike.
class AuthenticateTest : public ::testing::TestWithParam<bool> {
 protected:
  Result<Caller> Check(const store::MetadataState& state, const std::string& name, const std::string& secret) {
    if (!GetParam()) return Authenticate(state, name, secret);
    iam::Directory directory(state);
    return Authenticate(directory, name, secret);
  }
};

TEST_P(AuthenticateTest, PasswordsAndAccessKeys) {
  World world;
  store::MetadataState state = world.State();
  auto david = Check(state, "david", "pw");
  ASSERT_TRUE(david.ok());
  EXPECT_EQ(david->actor, "david");
  EXPECT_EQ(david->user, "david");

  auto key = world.Local().CreateAccessKey("david");
  ASSERT_TRUE(key.ok());
  state = world.State();
  auto by_key = Check(state, key->first, key->second);
  ASSERT_TRUE(by_key.ok());
  EXPECT_EQ(by_key->user, "david");

  for (auto [name, secret] : std::vector<std::pair<std::string, std::string>>{
           {"david", "wrong"}, {"nobody", "pw"}, {key->first, "wrong"}, {"AKIA0000000000000000", key->second}}) {
    auto failed = Check(state, name, secret);
    ASSERT_FALSE(failed.ok()) << name;
    EXPECT_EQ(failed.status().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(failed.status().message(), "authentication failed for user " + name);
  }
  ASSERT_TRUE(world.Local().UpdateUser("david", std::nullopt, false, {}, {}).ok());
  state = world.State();
  EXPECT_FALSE(Check(state, "david", "pw").ok());
  EXPECT_FALSE(Check(state, key->first, key->second).ok());
}

INSTANTIATE_TEST_SUITE_P(StateAndDirectory, AuthenticateTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Directory" : "State"; });

}  // namespace
}  // namespace weir::admin
