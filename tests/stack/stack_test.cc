// Stack files: parsing (every error names file, line and field), planning
// against a data directory's state, applying in one transaction, ownership
// and destroy.

#include "stack/stack.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "access/snapshot.h"
#include "admin/admin.h"
#include "admin/data_dir.h"
#include "common/temp_dir.h"
#include "stack/plan.h"
#include "store/store.h"

namespace weir::stack {
namespace {

const Substitutions kSubs{"123456789012", "local", "weir", "arn:aws:elasticmapreduce:local:123456789012:cluster/weir"};

Result<Stack> Parse(const std::string& text) { return ParseStack(text, "s.yaml", kSubs); }

std::string ErrorOf(const std::string& text) {
  auto parsed = Parse(text);
  return parsed.ok() ? "" : parsed.status().message();
}

TEST(StackParse, MinimalAndSubstitutions) {
  auto s = Parse(R"(
stack: demo
roles:
  - name: r
    trust_policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {AWS: "arn:aws:iam::${Weir::AccountId}:role/weir-cluster-role"}
          Action: sts:AssumeRole
          Condition: {StringEquals: {"aws:username": "${aws:username}"}}
)");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->name, "demo");
  ASSERT_EQ(s->roles.size(), 1u);
  // ${Weir::...} expands; IAM's own ${aws:...} variables stay.
  EXPECT_NE(s->roles[0].trust_policy->find("arn:aws:iam::123456789012:role/weir-cluster-role"), std::string::npos);
  EXPECT_NE(s->roles[0].trust_policy->find("${aws:username}"), std::string::npos);
}

TEST(StackParse, ErrorsNameFileLineAndField) {
  EXPECT_EQ(ErrorOf("stack: x\nrole: []\n"),
            "s.yaml:2:1: role: unknown field 'role' (expected one of: stack, description, cluster, policies, roles, "
            "users, lake_admins, databases, lf_tags, tag_assignments, data_cells_filters, grants)");
  EXPECT_EQ(ErrorOf("roles: []\n"), "s.yaml:1:1: missing field 'stack'");
  EXPECT_EQ(ErrorOf("stack: x\nroles:\n  - name: Bad Name\n"),
            "s.yaml:3:11: roles[0].name: invalid role name 'Bad Name': use lower-case letters, digits, '_' or '-', "
            "starting with a letter or '_'");
  EXPECT_EQ(ErrorOf("stack: x\nroles:\n  - name: a\n  - name: a\n"),
            "s.yaml:4:11: roles[1].name: role a is declared twice");
  EXPECT_NE(ErrorOf("stack: x\nroles: [\n").find("s.yaml:"), std::string::npos);
  EXPECT_NE(ErrorOf("stack: x\nroles: [\n").find("invalid YAML"), std::string::npos);
  EXPECT_EQ(ErrorOf("stack: x\npolicies:\n  - name: p\n    document: {Version: \"2012-10-17\"}\n")
                .rfind("s.yaml:4:15: policies[0].document: invalid policy document", 0),
            0u);
  EXPECT_EQ(ErrorOf("stack: x\nroles:\n  - {name: r, existing: true, trust_policy: {}}\n"),
            "s.yaml:3:45: roles[0].trust_policy: a role declared with existing: true keeps its own trust policy");
  EXPECT_EQ(ErrorOf("stack: x\nusers:\n  - {name: u, execution_role: r, password: {env: A, generate: f}}\n"),
            "s.yaml:3:44: users[0].password: give exactly one of env or generate");
  EXPECT_EQ(ErrorOf("stack: x\npolicies:\n  - name: p\n    document: \"${Weir::Nope}\"\n"),
            "s.yaml:4:15: policies[0].document: unknown reference ${Weir::Nope} (known: AccountId, Region, "
            "ClusterName, ClusterArn)");
  EXPECT_EQ(ErrorOf("stack: x\ndatabases:\n  - name: d\n    tables:\n      - {name: t, location: ../etc}\n"),
            "s.yaml:5:29: databases[0].tables[0].location: a table location is relative to the lake root, without "
            "'..'");
}

TEST(StackParse, GrantsAndFilters) {
  EXPECT_EQ(
      ErrorOf("stack: x\ngrants:\n  - principal: role/r\n    permissions: [INSERT]\n    resource: {database: d}\n"),
      "s.yaml:4:18: grants[0].permissions: permission INSERT cannot be granted on a database; a database takes "
      "ALL, DESCRIBE, ALTER, DROP, CREATE_TABLE");
  EXPECT_EQ(ErrorOf("stack: x\ngrants:\n  - principal: role/r\n    permissions: [SELECT]\n    grantable: [DROP]\n"
                    "    resource: {table: {database: d, name: t}}\n"),
            "s.yaml:5:16: grants[0].grantable: grantable permissions must be among the granted permissions");
  EXPECT_EQ(ErrorOf("stack: x\ngrants:\n  - principal: user/u\n    permissions: [SELECT]\n"
                    "    resource: {table: {database: d, name: t}}\n"),
            "s.yaml:3:16: grants[0].principal: grants go to roles (role/NAME or a role ARN), not user/u");
  EXPECT_EQ(ErrorOf("stack: x\ngrants:\n  - principal: r\n    permissions: [SELECT]\n"
                    "    resource: {table: {database: d, name: t}, database: d}\n"),
            "s.yaml:5:15: grants[0].resource: give exactly one of catalog, database, table_wildcard, table, "
            "data_cells_filter, lf_tag_policy or lf_tag");
  std::string bad_filter =
      ErrorOf("stack: x\ndata_cells_filters:\n  - {name: f, database: d, table: t, row_filter: \"a = = 1\"}\n");
  EXPECT_EQ(bad_filter.rfind("s.yaml:3:50: data_cells_filters[0].row_filter: ", 0), 0u) << bad_filter;
  EXPECT_NE(bad_filter.find("position"), std::string::npos) << bad_filter;

  auto s = Parse(R"(
stack: x
grants:
  - principal: arn:aws:iam::123456789012:role/r
    permissions: [select]
    resource: {table: {database: d, name: t, columns: {exclude: [b, a, b]}}}
  - principal: role/r
    permissions: [ALL]
    resource: {table_wildcard: {database: d}}
)");
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_EQ(s->grants.size(), 2u);
  const access::Grant& g = s->grants[0].grant;
  EXPECT_EQ(g.role, "r");
  EXPECT_EQ(g.scope, access::ColumnScope::kExclude);
  EXPECT_EQ(g.columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(access::ToString(g.permissions), "SELECT");
  EXPECT_EQ(s->grants[1].grant.kind, access::ResourceKind::kTableWildcard);
}

// A data directory with CSV tables lake/sales/orders (id, region, amount)
// and lake/sales/people (id, name, email).
class StackApply : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = temp_.path() + "/d";
    ASSERT_TRUE(admin::DataDir::Init(path_).ok());
    Write("sales/orders/a.csv", "id,region,amount\n1,north,10\n2,south,20\n");
    Write("sales/people/a.csv", "id,name,email\n1,ann,a@x\n");
    auto dir = admin::DataDir::Open(path_);
    ASSERT_TRUE(dir.ok());
    dir_ = std::move(dir).value();
  }

  void Write(const std::string& rel, const std::string& text) {
    auto file = std::filesystem::path(path_) / "lake" / rel;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
  }

  store::MetadataState State() { return dir_->store().Load().value(); }

  // Parses, plans and applies `text`; returns the plan (or the error).
  Result<Plan> ApplyText(const std::string& text, const EnvLookup& env = ProcessEnv()) {
    WEIR_ASSIGN_OR_RETURN(Stack stack, ParseStack(text, folder() + "/s.yaml", kSubs));
    WEIR_ASSIGN_OR_RETURN(Plan plan, PlanApply(stack, State(), env));
    admin::Admin admin(dir_.get(), "local:test");
    WEIR_RETURN_IF_ERROR(Apply(admin, plan));
    WEIR_RETURN_IF_ERROR(WritePasswordFiles(plan));
    return plan;
  }

  Result<Plan> Destroy(const std::string& name) {
    WEIR_ASSIGN_OR_RETURN(Plan plan, PlanDestroy(name, State()));
    admin::Admin admin(dir_.get(), "local:test");
    WEIR_RETURN_IF_ERROR(Apply(admin, plan));
    return plan;
  }

  std::string folder() const { return temp_.path(); }

  testing::TempDir temp_;
  std::string path_;
  std::unique_ptr<admin::DataDir> dir_;
};

const char* kStack = R"(
stack: shop
cluster: {tags: {team: sales}}
policies:
  - name: read-only
    document: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "glue:GetTable", Resource: "*"}]}
roles:
  - name: analyst
    trust_policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:role/weir-cluster-role"}, Action: sts:AssumeRole}]}
    managed_policies: [read-only]
    tags: {team: sales}
  - name: ann-role
users:
  - name: ann
    execution_role: ann-role
    password: {env: ANN_PASSWORD}
lake_admins: [user/ann]
databases:
  - name: sales
    tables:
      - name: orders
        location: sales/orders
        format: csv
        columns: [{name: id, type: bigint}, {name: region, type: varchar}, {name: amount, type: bigint}]
      - {name: people, location: sales/people, format: csv}
data_cells_filters:
  - {name: north, database: sales, table: orders, row_filter: "region = 'north'"}
grants:
  - principal: role/analyst
    permissions: [SELECT]
    resource: {data_cells_filter: {database: sales, table: orders, name: north}}
  - principal: role/analyst
    permissions: [SELECT]
    resource: {table: {database: sales, name: people, columns: {exclude: [email]}}}
)";

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST_F(StackApply, AppliesIdempotentlyAndEnforces) {
  auto env = Env({{"ANN_PASSWORD", "pw1"}});
  auto first = ApplyText(kStack, env);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_FALSE(first->empty());
  auto state = State();
  EXPECT_EQ(state.cluster.tags.at("team"), "sales");
  EXPECT_EQ(state.users.size(), 1u);
  EXPECT_EQ(state.lake_admins, (std::vector<std::string>{"user/ann"}));
  EXPECT_EQ(state.filters.size(), 1u);
  EXPECT_EQ(state.grants.size(), 2u);
  // The grants work: the analyst sees the north rows of orders only.
  auto snapshot = dir_->snapshot();
  auto access = snapshot->Resolve("analyst", "sales", "orders");
  ASSERT_TRUE(access.ok()) << access.status().message();

  auto again = ApplyText(kStack, env);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE(again->empty()) << again->Format();
  EXPECT_EQ(State().version, state.version);  // nothing written at all

  // A changed password variable is a change; an unset one is left alone.
  auto changed = ApplyText(kStack, Env({{"ANN_PASSWORD", "pw2"}}));
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->changes().size(), 1u) << changed->Format();
  EXPECT_TRUE(ApplyText(kStack, Env({}))->empty());
}

TEST_F(StackApply, UpdatesRemovesAndDestroysOnlyItsOwn) {
  auto env = Env({{"ANN_PASSWORD", "pw"}});
  ASSERT_TRUE(ApplyText(kStack, env).ok());
  // Something outside the stack: a role with its own grant on people.
  admin::Admin admin(dir_.get(), "local:test");
  ASSERT_TRUE(admin.CreateRole("outsider").ok());
  ASSERT_TRUE(admin.Grant("outsider", "sales", "people", access::ColumnScope::kAll, {}).ok());

  // Drop the people grant and table from the file; change the filter.
  std::string next = kStack;
  next.replace(next.find("      - {name: people"),
               std::string("      - {name: people, location: sales/people, format: csv}\n").size(), "");
  next.replace(next.find("  - principal: role/analyst\n    permissions: [SELECT]\n    resource: {table:"),
               std::string::npos, "");
  next.replace(next.find("region = 'north'"), 16, "region <> 'north'");
  auto plan = ApplyText(next, env);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  std::string text = plan->Format();
  EXPECT_NE(text.find("-/+ data cells filter north on sales.orders"), std::string::npos) << text;
  EXPECT_NE(text.find("+ grant SELECT on filter north on sales.orders to role analyst"), std::string::npos) << text;
  EXPECT_NE(text.find("- table sales.people"), std::string::npos) << text;
  auto state = State();
  EXPECT_EQ(state.tables.size(), 1u);
  ASSERT_EQ(state.grants.size(), 1u);  // the outsider's went with the table; the filter's was re-created
  EXPECT_EQ(state.grants[0].filter, "north");

  auto destroyed = Destroy("shop");
  ASSERT_TRUE(destroyed.ok()) << destroyed.status().message();
  state = State();
  EXPECT_TRUE(state.tables.empty());
  EXPECT_TRUE(state.databases.empty());
  EXPECT_TRUE(state.stacks.empty());
  EXPECT_TRUE(state.lake_admins.empty());
  EXPECT_TRUE(state.users.empty());
  EXPECT_TRUE(state.cluster.tags.empty());
  std::vector<std::string> roles;
  for (const auto& r : state.roles) roles.push_back(r.name);
  EXPECT_EQ(roles, (std::vector<std::string>{"outsider"}));
  EXPECT_EQ(Destroy("shop").status().code(), StatusCode::kNotFound);
}

TEST_F(StackApply, AFailingChangeChangesNothing) {
  auto before = State();
  std::string bad = kStack;
  bad.replace(bad.find("{name: amount, type: bigint}"), 28, "{name: amount, type: double}");
  auto result = ApplyText(bad, Env({{"ANN_PASSWORD", "pw"}}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message().rfind(
                folder() + "/s.yaml:21:9: databases[0].tables[0]: table sales.orders: "
                           "the files have columns (id BIGINT, region VARCHAR, amount BIGINT), not "
                           "the declared (id BIGINT, region VARCHAR, amount DOUBLE)",
                0),
            0u)
      << result.status().message();
  auto after = State();
  EXPECT_EQ(after.version, before.version);
  EXPECT_TRUE(after.roles == before.roles);
  EXPECT_TRUE(after.stacks.empty());

  // A missing password variable is refused before anything starts.
  auto no_password = ApplyText(kStack, Env({}));
  EXPECT_EQ(no_password.status().message(),
            folder() + "/s.yaml:14:5: users[0]: user ann: environment variable ANN_PASSWORD (its password) is not set");
}

TEST_F(StackApply, ForeignObjectsAndExisting) {
  admin::Admin admin(dir_.get(), "local:test");
  ASSERT_TRUE(admin.CreateRole("analyst").ok());
  auto result = ApplyText(kStack, Env({{"ANN_PASSWORD", "pw"}}));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find(
                "role analyst already exists and is not managed by stack shop (declare it with existing: true"),
            std::string::npos)
      << result.status().message();

  // `existing: true` adds parts to a role the stack does not own, and
  // destroy removes just those parts.
  ASSERT_TRUE(
      admin
          .PutRolePolicy(
              "analyst", "theirs",
              R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"glue:GetTable","Resource":"*"}]})")
          .ok());
  const char* extend = R"(
stack: extend
roles:
  - name: analyst
    existing: true
    policies:
      ours: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "glue:GetTables", Resource: "*"}]}
    tags: {owner: stack}
)";
  ASSERT_TRUE(ApplyText(extend).ok());
  auto role = [&]() {
    for (const auto& r : State().roles) {
      if (r.name == "analyst") return r;
    }
    return iam::Role{};
  };
  EXPECT_EQ(role().inline_policies.size(), 2u);
  EXPECT_EQ(role().tags.at("owner"), "stack");
  ASSERT_TRUE(Destroy("extend").ok());
  EXPECT_EQ(role().inline_policies.size(), 1u);
  EXPECT_EQ(role().inline_policies.count("theirs"), 1u);
  EXPECT_TRUE(role().tags.empty());
}

TEST_F(StackApply, LfTagsAssignmentsAndTagPolicies) {
  const std::string text = R"(
stack: tags
roles: [{name: public-reader}, {name: steward}]
databases:
  - name: sales
    tables: [{name: people, location: sales/people, format: csv}]
lf_tags:
  - {key: Classification, values: [public, sensitive]}
tag_assignments:
  - {database: sales, tags: {classification: public}}
  - {database: sales, table: people, column: email, tags: {classification: sensitive}}
grants:
  - principal: role/public-reader
    permissions: [SELECT]
    resource: {lf_tag_policy: {resource_type: table, expression: {classification: [public]}}}
  - principal: role/steward
    permissions: [ASSOCIATE, GRANT_WITH_LF_TAG_EXPRESSION]
    resource: {lf_tag: {key: classification, values: [public]}}
)";
  auto first = ApplyText(text);
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto state = State();
  ASSERT_EQ(state.lf_tags.size(), 1u);
  EXPECT_EQ(state.lf_tags[0].key, "classification");  // lower-cased
  EXPECT_EQ(state.tag_assignments.size(), 2u);
  ASSERT_EQ(state.grants.size(), 2u);
  for (const auto& g : state.grants) {
    if (g.role == "steward") EXPECT_EQ(access::ToString(g.permissions), "ASSOCIATE,GRANT_WITH_LF_TAG_EXPRESSION");
  }
  auto access = dir_->snapshot()->Resolve("public-reader", "sales", "people");
  ASSERT_TRUE(access.ok()) << access.status().message();
  auto again = ApplyText(text);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty()) << again->Format();

  // Changing the column's value, then dropping the assignment and a value.
  std::string next = text;
  next.replace(
      next.find("  - {database: sales, table: people, column: email, tags: {classification: sensitive}}\n"),
      std::string("  - {database: sales, table: people, column: email, tags: {classification: sensitive}}\n").size(),
      "");
  next.replace(next.find("[public, sensitive]"), 19, "[public]");
  auto changed = ApplyText(next);
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  EXPECT_NE(changed->Format().find("- values sensitive"), std::string::npos) << changed->Format();
  state = State();
  EXPECT_EQ(state.tag_assignments.size(), 1u);
  EXPECT_EQ(state.lf_tags[0].values, (std::vector<std::string>{"public"}));

  ASSERT_TRUE(Destroy("tags").ok());
  state = State();
  EXPECT_TRUE(state.lf_tags.empty());
  EXPECT_TRUE(state.tag_assignments.empty());
  EXPECT_TRUE(state.grants.empty());
}

TEST_F(StackApply, GeneratedPasswordsAreWrittenPrivately) {
  const char* text = R"(
stack: gen
roles: [{name: r}]
users:
  - {name: u, execution_role: r, password: {generate: u.password}}
)";
  auto plan = ApplyText(text);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  std::string file = folder() + "/u.password";
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string password;
  std::ifstream(file) >> password;
  EXPECT_EQ(password.size(), 24u);
  auto state = State();
  auto caller = admin::Authenticate(state, "u", password);
  EXPECT_TRUE(caller.ok()) << caller.status().message();
  // Not regenerated by a second apply.
  EXPECT_TRUE(ApplyText(text)->empty());
}

}  // namespace
}  // namespace weir::stack
