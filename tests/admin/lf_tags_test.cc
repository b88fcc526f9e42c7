// The LF-Tag verbs of Admin (admin/lf_tags.cc), tag-expression grants
// through Admin::Grant, and creator permissions.

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "access/grant.h"
#include "access/lf_tag.h"
#include "access/snapshot.h"
#include "admin/admin.h"
#include "admin/data_dir.h"
#include "common/temp_dir.h"
#include "store/store.h"

namespace weir::admin {
namespace {

using access::Permission;
using access::PermissionSet;
using access::ResourceKind;

// db.t (a, b), db.u; roles steward (user sam's execution role, every IAM
// action allowed, not a lake administrator) and analyst; tag domain
// (sales, hr).
class TagLake {
 public:
  TagLake() {
    const std::string root = temp_.path() + "/d";
    EXPECT_TRUE(DataDir::Init(root).ok());
    auto opened = DataDir::Open(root);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    dir_ = std::move(opened).value();
    for (const char* table : {"t", "u"}) {
      std::filesystem::create_directories(dir_->lake_root() + "/db/" + table);
      std::ofstream(dir_->lake_root() + "/db/" + table + "/part-0.csv") << "a,b\n1,x\n2,y\n";
    }
    Admin local = Local();
    Must(local.Bootstrap(iam::Cluster{}, "admin-password"));
    for (const char* role : {"steward", "analyst"}) Must(local.CreateRole(role));
    Must(local.PutRolePolicy(
        "steward", "all", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"));
    Must(local.CreateUser("sam", "steward", "pw", {}));
    Must(local.RegisterTable("db", "t", "db/t", catalog::TableFormat::kCsv, true).status());
    Must(local.CreateLfTag("Domain", {"Sales", "hr"}));
  }

  Admin Local() { return Admin(dir_.get(), "local:test"); }
  Admin Sam() { return Admin(dir_.get(), Caller::ForUser("sam")); }
  std::shared_ptr<const access::Snapshot> snapshot() { return dir_->snapshot(); }
  store::MetadataState State() { return *dir_->store().Load(); }
  audit::Record LastRecord() { return dir_->store().ReadAudit(0, 100000)->back(); }

  std::vector<access::Grant> GrantsOf(const std::string& role) {
    std::vector<access::Grant> out;
    for (const auto& g : snapshot()->grants()) {
      if (g.role == role) out.push_back(g);
    }
    return out;
  }

  static access::Grant TagGrant(const std::string& role, const std::string& expression, PermissionSet permissions,
                                ResourceKind kind = ResourceKind::kLfTagPolicyTable) {
    access::Grant g;
    g.role = role;
    g.kind = kind;
    g.expression = *access::ParseTagExpression(expression);
    g.permissions = permissions;
    return g;
  }

  static void Must(const Status& status) { ASSERT_TRUE(status.ok()) << status.ToString(); }

 private:
  testing::TempDir temp_{"weir-lf-tags"};
  std::unique_ptr<DataDir> dir_;
};

TEST(LfTagVerbs, CreateLowerCasesAndRefusesBadInputChangingNothing) {
  TagLake lake;
  EXPECT_EQ(lake.snapshot()->lf_tags(), (std::vector<access::LfTag>{{"domain", {"hr", "sales"}}}));
  const int64_t version = lake.snapshot()->version();
  EXPECT_EQ(lake.Local().CreateLfTag("DOMAIN", {"x"}).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(lake.Local().CreateLfTag("pii", {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(lake.Local().CreateLfTag(std::string(129, 'k'), {"x"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(lake.Local().CreateLfTag("pii", {std::string(257, 'v')}).code(), StatusCode::kInvalidArgument);
  std::vector<std::string> too_many;
  for (size_t i = 0; i <= access::kMaxTagValues; i++) too_many.push_back("v" + std::to_string(i));
  EXPECT_EQ(lake.Local().CreateLfTag("pii", too_many).code(), StatusCode::kInvalidArgument);
  too_many.pop_back();
  EXPECT_TRUE(lake.Local().CreateLfTag("pii", too_many).ok());
  EXPECT_EQ(lake.Local().UpdateLfTag("pii", {"one-more"}, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(lake.snapshot()->version(), version + 1);  // only the valid create committed
}

TEST(LfTagVerbs, OnlyLakeAdministratorsCreateTags) {
  TagLake lake;
  Status denied = lake.Sam().CreateLfTag("pii", {"no"});
  EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(denied.message().find("data lake administrators"), std::string::npos) << denied.message();
  EXPECT_EQ(lake.LastRecord().decision, "deny");
  EXPECT_EQ(lake.snapshot()->FindLfTag("pii"), nullptr);
  TagLake::Must(lake.Local().AddLakeAdmin("role/steward"));
  EXPECT_TRUE(lake.Sam().CreateLfTag("pii", {"no"}).ok());
}

TEST(LfTagVerbs, AssignmentHoldsOneAllowedValuePerKeyOnExistingResources) {
  TagLake lake;
  Admin local = lake.Local();
  TagLake::Must(local.AddLfTagsToResource({"db", "t", ""}, {{"Domain", "SALES"}}));
  TagLake::Must(local.AddLfTagsToResource({"db", "t", ""}, {{"domain", "hr"}}));  // replaces sales
  EXPECT_EQ(lake.snapshot()->TableTags("db", "t"),
            (std::vector<access::EffectiveTag>{{"domain", "hr", access::TagLevel::kTable}}));
  const auto before = lake.State().tag_assignments;
  EXPECT_EQ(local.AddLfTagsToResource({"db", "t", ""}, {{"domain", "sales"}, {"domain", "hr"}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(local.AddLfTagsToResource({"db", "t", ""}, {{"domain", "finance"}}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(local.AddLfTagsToResource({"db", "t", ""}, {{"color", "red"}}).code(), StatusCode::kNotFound);
  EXPECT_EQ(local.AddLfTagsToResource({"db", "t", "zz"}, {{"domain", "hr"}}).code(), StatusCode::kNotFound);
  EXPECT_EQ(local.AddLfTagsToResource({"db", "nope", ""}, {{"domain", "hr"}}).code(), StatusCode::kNotFound);
  EXPECT_EQ(local.RemoveLfTagsFromResource({"db", "t", "a"}, {"domain"}).code(), StatusCode::kNotFound);
  EXPECT_EQ(lake.State().tag_assignments, before);
}

TEST(LfTagVerbs, AResourceHoldsAtMostFiftyTags) {
  TagLake lake;
  Admin local = lake.Local();
  std::vector<std::pair<std::string, std::string>> tags;
  for (size_t i = 1; i < access::kMaxTagsPerResource; i++) {
    TagLake::Must(local.CreateLfTag("k" + std::to_string(i), {"v"}));
    tags.emplace_back("k" + std::to_string(i), "v");
  }
  tags.emplace_back("domain", "hr");
  TagLake::Must(local.AddLfTagsToResource({"db", "", ""}, tags));
  TagLake::Must(local.CreateLfTag("one-more", {"v"}));
  Status refused = local.AddLfTagsToResource({"db", "", ""}, {{"one-more", "v"}});
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("limit is 50"), std::string::npos) << refused.message();
  // Replacing a value of a key it holds is no new tag.
  EXPECT_TRUE(local.AddLfTagsToResource({"db", "", ""}, {{"domain", "sales"}}).ok());
}

TEST(LfTagVerbs, UsersNeedAssociateOnTheTagAndValue) {
  TagLake lake;
  Status denied = lake.Sam().AddLfTagsToResource({"db", "t", ""}, {{"domain", "sales"}});
  EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(denied.message().find("ASSOCIATE on LF-Tag domain=sales"), std::string::npos) << denied.message();
  EXPECT_EQ(lake.LastRecord().decision, "deny");
  EXPECT_TRUE(lake.State().tag_assignments.empty());

  access::Grant associate;
  associate.role = "steward";
  associate.kind = ResourceKind::kLfTag;
  associate.expression = {{"domain", {"sales"}}};
  associate.permissions = {Permission::kAssociate};
  TagLake::Must(lake.Local().Grant(associate));
  // ASSOCIATE alone is not enough: the resource needs ALL (or every other
  // permission) with grant option too.
  denied = lake.Sam().AddLfTagsToResource({"db", "t", ""}, {{"domain", "sales"}});
  EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(denied.message().find("on table db.t its execution role steward holds no permissions with grant option"),
            std::string::npos)
      << denied.message();
  access::Grant on_table;
  on_table.role = "steward";
  on_table.database = "db";
  on_table.table = "t";
  on_table.permissions = {Permission::kSelect, Permission::kDescribe};
  on_table.grantable = on_table.permissions;
  TagLake::Must(lake.Local().Grant(on_table));
  EXPECT_EQ(lake.Sam().AddLfTagsToResource({"db", "t", "a"}, {{"domain", "sales"}}).code(),
            StatusCode::kPermissionDenied);
  on_table.permissions = on_table.grantable = {Permission::kAll};
  TagLake::Must(lake.Local().Grant(on_table));
  EXPECT_TRUE(lake.Sam().AddLfTagsToResource({"db", "t", ""}, {{"domain", "sales"}}).ok());
  // The database is another resource: ALL with grant option on a table does
  // not cover it.
  EXPECT_EQ(lake.Sam().AddLfTagsToResource({"db", "", ""}, {{"domain", "sales"}}).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(lake.Sam().AddLfTagsToResource({"db", "t", ""}, {{"domain", "hr"}}).code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(lake.Sam().RemoveLfTagsFromResource({"db", "t", ""}, {"domain"}).ok());
  // Altering and dropping the tag need their own permissions.
  EXPECT_EQ(lake.Sam().UpdateLfTag("domain", {"x"}, {}).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(lake.Sam().DeleteLfTag("domain").code(), StatusCode::kPermissionDenied);
  associate.expression = {{"domain", {}}};
  associate.permissions = {Permission::kAlter, Permission::kDrop};
  TagLake::Must(lake.Local().Grant(associate));
  EXPECT_TRUE(lake.Sam().UpdateLfTag("domain", {"x"}, {}).ok());
  EXPECT_TRUE(lake.Sam().DeleteLfTag("domain").ok());
}

TEST(LfTagVerbs, GrantWithLfTagExpressionLetsAStewardGrantThroughThoseValues) {
  TagLake lake;
  Admin local = lake.Local();
  const access::Grant request = TagLake::TagGrant("analyst", "domain=sales", {Permission::kSelect});
  Status denied = lake.Sam().Grant(request);
  EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(denied.message().find("no GRANT_WITH_LF_TAG_EXPRESSION"), std::string::npos) << denied.message();

  access::Grant steward;
  steward.role = "steward";
  steward.kind = ResourceKind::kLfTag;
  steward.expression = {{"domain", {"sales"}}};
  steward.permissions = {Permission::kGrantWithLfTagExpression};
  TagLake::Must(local.Grant(steward));
  TagLake::Must(lake.Sam().Grant(request));
  EXPECT_EQ(lake.GrantsOf("analyst").size(), 1u);
  TagLake::Must(lake.Sam().Revoke(request));
  EXPECT_TRUE(lake.GrantsOf("analyst").empty());
  // Only the values it holds it on, and never the grant option.
  EXPECT_EQ(lake.Sam().Grant(TagLake::TagGrant("analyst", "domain=sales,hr", {Permission::kSelect})).code(),
            StatusCode::kPermissionDenied);
  access::Grant with_option = request;
  with_option.grantable = {Permission::kSelect};
  denied = lake.Sam().Grant(with_option);
  EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(denied.message().find("does not pass on the grant option"), std::string::npos) << denied.message();
  // Named resources still need the grant option on them.
  access::Grant named;
  named.role = "analyst";
  named.database = "db";
  named.table = "t";
  named.permissions = {Permission::kSelect};
  EXPECT_EQ(lake.Sam().Grant(named).code(), StatusCode::kPermissionDenied);
  // It implies DESCRIBE on the tag, as ASSOCIATE does.
  EXPECT_TRUE(access::Expand(steward.permissions, ResourceKind::kLfTag).Has(Permission::kDescribe));
}

TEST(LfTagVerbs, RemovingAValueTakesItsAssignmentsAndNarrowsGrants) {
  TagLake lake;
  Admin local = lake.Local();
  TagLake::Must(local.AddLfTagsToResource({"db", "t", ""}, {{"domain", "hr"}}));
  TagLake::Must(local.Grant(TagLake::TagGrant("analyst", "domain=hr,sales", {Permission::kSelect})));
  TagLake::Must(local.Grant(TagLake::TagGrant("steward", "domain=hr", {Permission::kSelect})));
  EXPECT_EQ(local.UpdateLfTag("domain", {}, {"finance"}).code(), StatusCode::kNotFound);
  EXPECT_EQ(local.UpdateLfTag("domain", {}, {"hr", "sales"}).code(), StatusCode::kInvalidArgument);
  TagLake::Must(local.UpdateLfTag("domain", {"finance"}, {"hr"}));
  EXPECT_EQ(lake.snapshot()->FindLfTag("domain")->values, (std::vector<std::string>{"finance", "sales"}));
  EXPECT_TRUE(lake.State().tag_assignments.empty());
  auto analyst = lake.GrantsOf("analyst");
  ASSERT_EQ(analyst.size(), 1u);
  EXPECT_EQ(access::ToString(analyst[0].expression), "domain=sales");
  EXPECT_TRUE(lake.GrantsOf("steward").empty());  // its only value is gone
}

TEST(LfTagVerbs, DeletingATagTakesItsAssignmentsAndGrants) {
  TagLake lake;
  Admin local = lake.Local();
  TagLake::Must(local.CreateLfTag("pii", {"no"}));
  TagLake::Must(local.AddLfTagsToResource({"db", "", ""}, {{"domain", "sales"}, {"pii", "no"}}));
  TagLake::Must(local.Grant(TagLake::TagGrant("analyst", "domain=sales;pii=no", {Permission::kSelect})));
  TagLake::Must(local.Grant(TagLake::TagGrant("analyst", "pii=no", {Permission::kDescribe})));
  EXPECT_TRUE(lake.snapshot()->Resolve("analyst", "db", "t").ok());
  TagLake::Must(local.DeleteLfTag("DOMAIN"));
  EXPECT_FALSE(lake.snapshot()->Resolve("analyst", "db", "t").ok());
  auto grants = lake.GrantsOf("analyst");
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(access::ToString(grants[0].expression), "pii=no");
  EXPECT_EQ(lake.State().tag_assignments.size(), 1u);
  EXPECT_EQ(local.DeleteLfTag("domain").code(), StatusCode::kNotFound);
}

TEST(LfTagGrants, ExpressionsAreValidatedAndNormalized) {
  TagLake lake;
  Admin local = lake.Local();
  EXPECT_EQ(local.Grant(TagLake::TagGrant("analyst", "color=red", {Permission::kSelect})).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(local.Grant(TagLake::TagGrant("analyst", "domain=finance", {Permission::kSelect})).code(),
            StatusCode::kNotFound);
  Status invalid = local.Grant(
      TagLake::TagGrant("analyst", "domain=sales", {Permission::kInsert}, ResourceKind::kLfTagPolicyDatabase));
  EXPECT_EQ(invalid.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(invalid.message().find("LF-Tag policy on databases"), std::string::npos) << invalid.message();
  access::Grant upper = TagLake::TagGrant("analyst", "domain=sales", {Permission::kSelect});
  upper.expression = {{"DOMAIN", {"Sales"}}};
  TagLake::Must(local.Grant(upper));
  TagLake::Must(local.Grant(TagLake::TagGrant("analyst", "domain=sales", {Permission::kDescribe})));
  auto grants = lake.GrantsOf("analyst");
  ASSERT_EQ(grants.size(), 1u);  // one resource: permissions merged
  EXPECT_EQ(access::ToString(grants[0].permissions), "SELECT,DESCRIBE");
  TagLake::Must(local.Revoke(TagLake::TagGrant("analyst", "Domain=SALES", {Permission::kSelect})));
  EXPECT_EQ(access::ToString(lake.GrantsOf("analyst")[0].permissions), "DESCRIBE");
}

TEST(LfTagGrants, ARoleHoldsAtMostFiftyExpressions) {
  TagLake lake;
  Admin local = lake.Local();
  std::vector<std::string> values;
  for (size_t i = 0; i < access::kMaxTagExpressionsPerRole; i++) values.push_back("v" + std::to_string(i));
  values.push_back("extra");
  TagLake::Must(local.CreateLfTag("k", values));
  for (size_t i = 0; i < access::kMaxTagExpressionsPerRole; i++) {
    TagLake::Must(local.Grant(TagLake::TagGrant("analyst", "k=" + values[i], {Permission::kSelect})));
  }
  Status refused = local.Grant(TagLake::TagGrant("analyst", "k=extra", {Permission::kSelect}));
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  // More permissions through an expression it holds are fine.
  EXPECT_TRUE(local.Grant(TagLake::TagGrant("analyst", "k=v0", {Permission::kDescribe})).ok());
}

TEST(LfTagGrants, UsersGrantOnlyTheSameExpressionTheyHoldWithGrantOption) {
  TagLake lake;
  access::Grant held = TagLake::TagGrant("steward", "domain=sales", {Permission::kSelect});
  held.grantable = {Permission::kSelect};
  TagLake::Must(lake.Local().Grant(held));
  EXPECT_TRUE(lake.Sam().Grant(TagLake::TagGrant("analyst", "domain=sales", {Permission::kSelect})).ok());
  Status wider = lake.Sam().Grant(TagLake::TagGrant("analyst", "domain=sales,hr", {Permission::kSelect}));
  EXPECT_EQ(wider.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(wider.message().find("tables tagged domain=hr,sales"), std::string::npos) << wider.message();
}

TEST(CreatorPermissions, AUserCreatorGetsAllWithGrantOption) {
  TagLake lake;
  TagLake::Must(lake.Sam().CreateDatabase("made"));
  TagLake::Must(lake.Sam().RegisterTable("db", "u", "db/u", catalog::TableFormat::kCsv, false).status());
  auto grants = lake.GrantsOf("steward");
  ASSERT_EQ(grants.size(), 2u);
  EXPECT_EQ(grants[0].ResourceLabel(), "database made");
  EXPECT_EQ(grants[1].ResourceLabel(), "table db.u");
  for (const auto& g : grants) {
    EXPECT_EQ(g.permissions, PermissionSet{Permission::kAll});
    EXPECT_EQ(g.grantable, PermissionSet{Permission::kAll});
  }
  EXPECT_TRUE(lake.snapshot()->Resolve("steward", "db", "u").ok());
  // The local administrator is no role: nothing is granted for it.
  TagLake::Must(lake.Local().CreateDatabase("by-local"));
  EXPECT_EQ(lake.GrantsOf("steward").size(), 2u);
  EXPECT_EQ(lake.snapshot()->grants().size(), 2u);
}

}  // namespace
}  // namespace weir::admin
