// LF-Tags: keys and values, inheritance and override, expression matching,
// and tag-expression grants in the snapshot (partial-column match, union
// with named grants, explain sources).

#include "access/lf_tag.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "access/explain.h"
#include "access/grant.h"
#include "access/snapshot.h"
#include "catalog/catalog.h"
#include "iam/role.h"
#include "store/store.h"

namespace weir::access {
namespace {

using P = Permission;

TEST(LfTag, KeysAndValuesAreLowerCasedAndValidated) {
  EXPECT_EQ(*NormalizeTagKey(" Domain "), "domain");
  EXPECT_EQ(*NormalizeTagValue("Sales/EU-1"), "sales/eu-1");
  struct Case {
    std::string text;
    bool key_ok;
    bool value_ok;
  };
  const std::vector<Case> cases = {
      {"a", true, true},
      {std::string(128, 'k'), true, true},
      {std::string(129, 'k'), false, true},
      {std::string(256, 'v'), false, true},
      {std::string(257, 'v'), false, false},
      {"", false, false},
      {"   ", false, false},
      {"a=b", false, false},
      {"a,b", false, false},
      {"a;b", false, false},
      {"with space_.:/+-@%", true, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto key = NormalizeTagKey(c.text);
    EXPECT_EQ(key.ok(), c.key_ok);
    if (!key.ok()) EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(NormalizeTagValue(c.text).ok(), c.value_ok);
  }
  EXPECT_NE(NormalizeTagKey(std::string(129, 'k')).status().message().find("limit is 128"), std::string::npos);
}

TEST(LfTag, ValueListsAreSortedUniqueAndLimited) {
  EXPECT_EQ(*NormalizeTagValues({"b", "A", "a"}), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(NormalizeTagValues({}).ok());
  EXPECT_TRUE(NormalizeTagValues({}, /*allow_empty=*/true).ok());
  std::vector<std::string> many;
  for (size_t i = 0; i < kMaxTagValues; i++) many.push_back("v" + std::to_string(i));
  EXPECT_TRUE(NormalizeTagValues(many).ok());
  many.push_back("one-more");
  auto refused = NormalizeTagValues(many);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
}

TEST(LfTag, ExpressionsParseNormalizeAndPrint) {
  auto e = ParseTagExpression(" Tier = Gold , silver ; domain=sales;");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(ToString(*e), "domain=sales;tier=gold,silver");
  for (const char* bad : {"", "domain", "domain=", "a=1;;b=2", "a=1;a=2", "a=1,,2"}) {
    auto parsed = ParseTagExpression(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(LfTag, MatchingIsAndAcrossKeysOrWithinValues) {
  const TagExpression e = *ParseTagExpression("domain=sales;tier=gold,silver");
  auto tags = [](std::vector<std::pair<std::string, std::string>> kv) {
    std::vector<EffectiveTag> out;
    for (auto& [k, v] : kv) out.push_back({k, v, TagLevel::kTable});
    return out;
  };
  EXPECT_TRUE(Matches(e, tags({{"domain", "sales"}, {"tier", "gold"}})));
  EXPECT_TRUE(Matches(e, tags({{"domain", "sales"}, {"pii", "no"}, {"tier", "silver"}})));
  EXPECT_FALSE(Matches(e, tags({{"domain", "sales"}})));
  EXPECT_FALSE(Matches(e, tags({{"domain", "hr"}, {"tier", "gold"}})));
  EXPECT_FALSE(Matches(e, tags({{"domain", "sales"}, {"tier", "bronze"}})));
  EXPECT_FALSE(Matches(e, {}));
}

TEST(LfTag, TagsAreInheritedDownwardsAndOverriddenByLowerLevels) {
  TagIndex index({
      {{"db", "", ""}, "domain", "sales"},
      {{"db", "", ""}, "pii", "no"},
      {{"db", "t", ""}, "pii", "yes"},
      {{"db", "t", "c"}, "domain", "hr"},
  });
  EXPECT_EQ(index.Effective("db"),
            (std::vector<EffectiveTag>{{"domain", "sales", TagLevel::kDatabase}, {"pii", "no", TagLevel::kDatabase}}));
  EXPECT_EQ(index.Effective("db", "t"),
            (std::vector<EffectiveTag>{{"domain", "sales", TagLevel::kDatabase}, {"pii", "yes", TagLevel::kTable}}));
  EXPECT_EQ(index.Effective("db", "t", "c"),
            (std::vector<EffectiveTag>{{"domain", "hr", TagLevel::kColumn}, {"pii", "yes", TagLevel::kTable}}));
  EXPECT_EQ(index.Effective("db", "other", "x"), index.Effective("db"));
  EXPECT_TRUE(index.Effective("nodb").empty());
  EXPECT_EQ(index.Assigned({"db", "t", ""}), (std::vector<EffectiveTag>{{"pii", "yes", TagLevel::kTable}}));
}

TEST(LfTag, PartialColumnMatchKeepsOnlySelectAndDescribe) {
  for (const auto& info : Permissions()) {
    if (!ValidOn(info.permission, ResourceKind::kLfTagPolicyTable)) continue;
    SCOPED_TRACE(info.name);
    PermissionSet full = TagPolicyPermissions({info.permission}, true);
    PermissionSet partial = TagPolicyPermissions({info.permission}, false);
    EXPECT_EQ(full, Expand({info.permission}, ResourceKind::kLfTagPolicyTable));
    bool reads = info.permission == P::kSelect || info.permission == P::kAll;
    const PermissionSet expected = reads ? PermissionSet({P::kSelect, P::kDescribe}) : PermissionSet({P::kDescribe});
    EXPECT_EQ(partial, expected);
  }
}

// db.t (a, b, c) and db.u (x), other.v (y); role r.
//   db      domain=sales
//   db.t.c  pii=yes (overrides nothing inherited; a and b have pii=no from the table)
//   db.t    pii=no
class TaggedSnapshot : public ::testing::Test {
 protected:
  static catalog::Table Table(const std::string& db, const std::string& name, std::vector<std::string> columns) {
    catalog::Table t;
    t.database = db;
    t.name = name;
    t.location = db + "/" + name;
    for (const auto& c : columns) t.columns.push_back({c, "BIGINT", false});
    return t;
  }

  TaggedSnapshot() {
    state_.version = 1;
    iam::Role role;
    role.name = "r";
    state_.roles.push_back(role);
    state_.databases = {{"db", ""}, {"other", ""}};
    state_.tables = {Table("db", "t", {"a", "b", "c"}), Table("db", "u", {"x"}), Table("other", "v", {"y"})};
    state_.lf_tags = {{"domain", {"hr", "sales"}}, {"pii", {"no", "yes"}}};
    state_.tag_assignments = {
        {{"db", "", ""}, "domain", "sales"},
        {{"db", "t", ""}, "pii", "no"},
        {{"db", "t", "c"}, "pii", "yes"},
    };
  }

  Grant& AddTagGrant(const std::string& expression, PermissionSet permissions,
                     ResourceKind kind = ResourceKind::kLfTagPolicyTable) {
    Grant g;
    g.id = static_cast<int64_t>(state_.grants.size()) + 1;
    g.role = "r";
    g.kind = kind;
    g.expression = *ParseTagExpression(expression);
    g.permissions = permissions;
    state_.grants.push_back(g);
    return state_.grants.back();
  }

  std::vector<std::string> VisibleColumns(const Snapshot& s, const std::string& db, const std::string& table) {
    auto access = s.Resolve("r", db, table);
    if (!access.ok()) return {};
    std::vector<std::string> out;
    for (size_t c : access->visible_columns) out.push_back(access->table->columns[c].name);
    return out;
  }

  store::MetadataState state_;
};

TEST_F(TaggedSnapshot, EffectiveTagsArePrecomputedWithTheirSource) {
  Snapshot s(state_);
  EXPECT_EQ(s.TableTags("db", "u"), (std::vector<EffectiveTag>{{"domain", "sales", TagLevel::kDatabase}}));
  EXPECT_EQ(s.ColumnTags("db", "t", "c"),
            (std::vector<EffectiveTag>{{"domain", "sales", TagLevel::kDatabase}, {"pii", "yes", TagLevel::kColumn}}));
  EXPECT_EQ(s.ColumnTags("db", "t", "a")[1], (EffectiveTag{"pii", "no", TagLevel::kTable}));
  EXPECT_TRUE(s.TableTags("other", "v").empty());
  EXPECT_TRUE(s.ColumnTags("db", "t", "nope").empty());
  // Columns of a table whose columns have no tags of their own carry the table's.
  EXPECT_EQ(s.ColumnTags("db", "u", "x"), s.TableTags("db", "u"));
  EXPECT_TRUE(s.ColumnTags("other", "v", "y").empty());
}

TEST_F(TaggedSnapshot, TableGrantCoversMatchingTablesAndOnlyMatchingColumns) {
  AddTagGrant("domain=sales;pii=no", {P::kSelect});
  Snapshot s(state_);
  // c overrides pii: it leaves the match, so only a and b are visible.
  EXPECT_EQ(VisibleColumns(s, "db", "t"), (std::vector<std::string>{"a", "b"}));
  // u has no pii tag at all.
  EXPECT_FALSE(s.Resolve("r", "db", "u").ok());
  EXPECT_FALSE(s.Resolve("r", "other", "v").ok());
  EXPECT_EQ(s.VisibleTables("r", "db"), (std::vector<std::string>{"t"}));
  EXPECT_EQ(s.VisibleDatabases("r"), (std::vector<std::string>{"db"}));
}

TEST_F(TaggedSnapshot, OrWithinValuesAndInheritedTagsMatch) {
  AddTagGrant("domain=hr,sales", {P::kSelect});
  Snapshot s(state_);
  EXPECT_EQ(VisibleColumns(s, "db", "t"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(VisibleColumns(s, "db", "u"), (std::vector<std::string>{"x"}));
  EXPECT_FALSE(s.Resolve("r", "other", "v").ok());
}

TEST_F(TaggedSnapshot, AColumnTaggedIntoTheMatchMakesOnlyItVisible) {
  AddTagGrant("pii=yes", {P::kSelect});
  Snapshot s(state_);
  EXPECT_EQ(VisibleColumns(s, "db", "t"), (std::vector<std::string>{"c"}));
}

TEST_F(TaggedSnapshot, TagGrantsUnionWithNamedGrants) {
  AddTagGrant("domain=sales;pii=no", {P::kSelect});
  Grant named;
  named.id = 10;
  named.role = "r";
  named.database = "db";
  named.table = "t";
  named.scope = ColumnScope::kInclude;
  named.columns = {"c"};
  state_.grants.push_back(named);
  Snapshot s(state_);
  EXPECT_EQ(VisibleColumns(s, "db", "t"), (std::vector<std::string>{"a", "b", "c"}));
  auto access = s.Resolve("r", "db", "t");
  ASSERT_TRUE(access.ok());
  EXPECT_EQ(access->sources, (std::vector<std::string>{"include columns", "tags domain=sales;pii=no"}));
  EXPECT_FALSE(access->row_predicate.has_value());
}

TEST_F(TaggedSnapshot, ExplainNamesTheTagGrantAndItsPartialPermissions) {
  AddTagGrant("domain=sales;pii=no", {P::kAll});
  Snapshot s(state_);
  auto e = ExplainTable(s, "r", "db", "t");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_EQ(e->grants.size(), 1u);
  EXPECT_EQ(e->grants[0].kind, GrantExplanation::Kind::kLfTagPolicy);
  EXPECT_EQ(e->grants[0].Label(), "tags domain=sales;pii=no");
  EXPECT_EQ(e->grants[0].columns, "tagged [a, b]");
  EXPECT_EQ(e->grants[0].effective, "SELECT,DESCRIBE");  // ALL on some columns
  EXPECT_FALSE(e->columns[2].visible);
  EXPECT_EQ(e->columns[0].granted_by, std::vector<size_t>{0});
  // On every column, ALL stays ALL.
  state_.grants.clear();
  AddTagGrant("domain=sales", {P::kAll});
  Snapshot whole(state_);
  auto u = ExplainTable(whole, "r", "db", "u");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->grants[0].columns, "all");
  EXPECT_EQ(u->grants[0].effective, ToString(Expand({P::kAll}, ResourceKind::kLfTagPolicyTable)));
}

TEST_F(TaggedSnapshot, DescribeOnlyTagGrantListsWithoutReading) {
  AddTagGrant("domain=sales", {P::kDescribe});
  Snapshot s(state_);
  EXPECT_EQ(s.VisibleTables("r", "db"), (std::vector<std::string>{"t", "u"}));
  EXPECT_FALSE(s.Resolve("r", "db", "t").ok());
}

TEST_F(TaggedSnapshot, DatabaseGrantsMatchTheDatabasesOwnTags) {
  AddTagGrant("domain=sales", {P::kCreateTable}, ResourceKind::kLfTagPolicyDatabase);
  Snapshot s(state_);
  EXPECT_EQ(s.VisibleDatabases("r"), (std::vector<std::string>{"db"}));
  // Describing a database does not reveal its tables.
  EXPECT_TRUE(s.VisibleTables("r", "db").empty());
  AddTagGrant("pii=no", {P::kDescribe}, ResourceKind::kLfTagPolicyDatabase);
  Snapshot only_table_tagged(state_);
  EXPECT_EQ(only_table_tagged.VisibleDatabases("r"), (std::vector<std::string>{"db"}));
}

TEST_F(TaggedSnapshot, TablesTaggedLaterArePickedUpByTheNextSnapshot) {
  AddTagGrant("domain=hr", {P::kSelect});
  EXPECT_FALSE(Snapshot(state_).Resolve("r", "other", "v").ok());
  state_.tag_assignments.push_back({{"other", "v", ""}, "domain", "hr"});
  Snapshot s(state_);
  EXPECT_EQ(VisibleColumns(s, "other", "v"), (std::vector<std::string>{"y"}));
}

}  // namespace
}  // namespace weir::access
