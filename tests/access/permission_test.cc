// The Lake Formation permission vocabulary (access/permission.h), grants on
// every kind of resource through the admin verbs, the grant option, data
// lake administrators, table wildcards and what the snapshot makes of them.

#include "access/permission.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "access/grant.h"
#include "access/snapshot.h"
#include "admin/admin.h"
#include "admin/data_dir.h"
#include "common/temp_dir.h"
#include "store/store.h"

namespace weir::access {
namespace {

using P = Permission;
using R = ResourceKind;

const std::vector<R> kKinds = {
    R::kCatalog,         R::kDatabase,     R::kTable, R::kTableWildcard,       R::kTableWithColumns,
    R::kDataCellsFilter, R::kDataLocation, R::kLfTag, R::kLfTagPolicyDatabase, R::kLfTagPolicyTable};

// The matrix of the Lake Formation permissions reference, written out
// independently of permission.cc's table.
const std::map<R, std::set<std::string>>& Matrix() {
  static const std::map<R, std::set<std::string>> m = {
      {R::kCatalog, {"CREATE_DATABASE"}},
      {R::kDatabase, {"ALL", "ALTER", "CREATE_TABLE", "DESCRIBE", "DROP"}},
      {R::kTable, {"ALL", "ALTER", "DELETE", "DESCRIBE", "DROP", "INSERT", "SELECT"}},
      {R::kTableWildcard, {"ALL", "ALTER", "DELETE", "DESCRIBE", "DROP", "INSERT", "SELECT"}},
      {R::kTableWithColumns, {"SELECT"}},
      {R::kDataCellsFilter, {"SELECT", "DESCRIBE", "DROP"}},
      {R::kDataLocation, {"DATA_LOCATION_ACCESS"}},
      {R::kLfTag, {"ASSOCIATE", "DESCRIBE", "ALTER", "DROP", "GRANT_WITH_LF_TAG_EXPRESSION"}},
      {R::kLfTagPolicyDatabase, {"ALL", "ALTER", "CREATE_TABLE", "DESCRIBE", "DROP"}},
      {R::kLfTagPolicyTable, {"ALL", "ALTER", "DESCRIBE", "DELETE", "DROP", "INSERT", "SELECT"}},
  };
  return m;
}

TEST(Permission, VocabularyIsTheLakeFormationPermissionsInEnumOrder) {
  ASSERT_EQ(Permissions().size(), kPermissionCount);
  std::vector<std::string> names;
  for (size_t i = 0; i < Permissions().size(); i++) {
    EXPECT_EQ(static_cast<size_t>(Permissions()[i].permission), i);
    names.push_back(Permissions()[i].name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"ALL", "SELECT", "INSERT", "DELETE", "DESCRIBE", "ALTER", "DROP",
                                             "CREATE_DATABASE", "CREATE_TABLE", "DATA_LOCATION_ACCESS", "ASSOCIATE",
                                             "GRANT_WITH_LF_TAG_EXPRESSION"}));
}

TEST(Permission, EveryNameParsesAndPrintsBack) {
  for (const auto& info : Permissions()) {
    SCOPED_TRACE(info.name);
    auto parsed = ParsePermission(info.name);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, info.permission);
    std::string lower = info.name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(*ParsePermission(" " + lower + " "), info.permission);
    EXPECT_EQ(ToString(PermissionSet{info.permission}), info.name);
  }
  EXPECT_EQ(*ParsePermission("Super"), P::kAll);
}

TEST(Permission, ListsParseInAnyOrderAndPrintInTableOrder) {
  auto set = ParsePermissions("describe, SELECT,ALL");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(ToString(*set), "ALL,SELECT,DESCRIBE");
  EXPECT_EQ(ToString(PermissionSet{}), "");
  for (const char* bad : {"", "SELECT,", "READ", "SELECT,,DESCRIBE"}) {
    auto parsed = ParsePermissions(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(ParsePermissions("SELECT,READ").status().message().find("'READ'"), std::string::npos);
}

TEST(Permission, EveryPermissionOnEveryResourceKindFollowsTheMatrix) {
  for (const auto& info : Permissions()) {
    for (R kind : kKinds) {
      SCOPED_TRACE(std::string(info.name) + " on " + ResourceKindName(kind));
      bool expected = Matrix().at(kind).count(info.name) > 0;
      EXPECT_EQ(ValidOn(info.permission, kind), expected);
      Status status = CheckValid(PermissionSet{info.permission}, kind);
      EXPECT_EQ(status.ok(), expected) << status.ToString();
      if (!expected) {
        EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
        EXPECT_NE(status.message().find(std::string("permission ") + info.name), std::string::npos);
        EXPECT_NE(status.message().find(ResourceKindName(kind)), std::string::npos);
      }
      // One invalid permission spoils a set of valid ones.
      PermissionSet with_valid{info.permission};
      for (const auto& name : Matrix().at(kind)) with_valid.Add(*ParsePermission(name));
      EXPECT_EQ(CheckValid(with_valid, kind).ok(), expected);
    }
  }
  EXPECT_FALSE(CheckValid(PermissionSet{}, R::kTable).ok());
}

TEST(Permission, AllImpliesEveryPermissionOfItsResource) {
  for (R kind : kKinds) {
    SCOPED_TRACE(ResourceKindName(kind));
    PermissionSet expanded = Expand(PermissionSet{P::kAll}, kind);
    if (!ValidOn(P::kAll, kind)) {
      EXPECT_TRUE(expanded.empty());
      continue;
    }
    for (const auto& name : Matrix().at(kind)) EXPECT_TRUE(expanded.Has(*ParsePermission(name))) << name;
    for (P p : expanded.List()) EXPECT_TRUE(ValidOn(p, kind)) << PermissionName(p);
  }
  EXPECT_TRUE(Expand(PermissionSet{P::kAll}, R::kTableWithColumns).empty());
}

TEST(Permission, EveryPermissionImpliesDescribeWhereDescribeExists) {
  for (const auto& info : Permissions()) {
    for (R kind : kKinds) {
      if (!ValidOn(info.permission, kind)) continue;
      SCOPED_TRACE(std::string(info.name) + " on " + ResourceKindName(kind));
      EXPECT_EQ(Expand(PermissionSet{info.permission}, kind).Has(P::kDescribe), ValidOn(P::kDescribe, kind));
      EXPECT_TRUE(Expand(PermissionSet{info.permission}, kind).Has(info.permission));
    }
  }
}

TEST(PermissionSet, SetOperations) {
  PermissionSet a{P::kSelect, P::kDescribe};
  PermissionSet b{P::kSelect};
  EXPECT_TRUE(a.Contains(b));
  EXPECT_FALSE(b.Contains(a));
  EXPECT_EQ(a.Minus(b), PermissionSet{P::kDescribe});
  EXPECT_EQ(a & b, b);
  EXPECT_EQ((b | PermissionSet{P::kDescribe}), a);
  EXPECT_EQ(PermissionSet::FromBits(a.bits()), a);
}

// ---- the snapshot ----

catalog::Table MakeTable(const std::string& db, const std::string& name) {
  catalog::Table t;
  t.database = db;
  t.name = name;
  t.location = db + "/" + name;
  t.columns = {{"a", "BIGINT", false}, {"b", "VARCHAR", false}};
  return t;
}

store::MetadataState LakeState() {
  store::MetadataState s;
  for (const char* name : {"r", "other"}) {
    iam::Role role;
    role.name = name;
    s.roles.push_back(role);
  }
  s.databases = {{"db", ""}, {"empty", ""}, {"other", ""}};
  s.tables = {MakeTable("db", "t"), MakeTable("db", "u"), MakeTable("other", "x")};
  return s;
}

Grant Wildcard(const std::string& role, const std::string& db, PermissionSet permissions) {
  Grant g;
  g.id = 1;
  g.role = role;
  g.database = db;
  g.kind = R::kTableWildcard;
  g.permissions = permissions;
  return g;
}

TEST(SnapshotPermissions, TableWildcardCoversTablesCreatedLater) {
  store::MetadataState s = LakeState();
  s.grants = {Wildcard("r", "db", {P::kSelect})};
  {
    Snapshot snapshot(s);
    EXPECT_TRUE(snapshot.Resolve("r", "db", "t").ok());
    EXPECT_TRUE(snapshot.Resolve("r", "db", "u").ok());
    EXPECT_FALSE(snapshot.Resolve("r", "db", "later").ok());
    EXPECT_FALSE(snapshot.Resolve("r", "other", "x").ok());
    EXPECT_EQ(snapshot.Resolve("r", "db", "t")->visible_columns.size(), 2u);
  }
  s.tables.insert(s.tables.begin() + 2, MakeTable("db", "later"));
  Snapshot later(s);
  EXPECT_TRUE(later.Resolve("r", "db", "later").ok());
  EXPECT_EQ(later.VisibleTables("r", "db"), (std::vector<std::string>{"later", "t", "u"}));
  EXPECT_EQ(later.VisibleDatabases("r"), std::vector<std::string>{"db"});
}

TEST(SnapshotPermissions, WildcardOnAnEmptyDatabaseShowsTheDatabase) {
  store::MetadataState s = LakeState();
  s.grants = {Wildcard("r", "empty", {P::kSelect})};
  Snapshot snapshot(s);
  EXPECT_EQ(snapshot.VisibleDatabases("r"), std::vector<std::string>{"empty"});
  EXPECT_TRUE(snapshot.VisibleTables("r", "empty").empty());
}

TEST(SnapshotPermissions, AllImpliesSelectOnATableAndThroughAWildcard) {
  store::MetadataState s = LakeState();
  Grant table;
  table.id = 1;
  table.role = "r";
  table.database = "db";
  table.table = "t";
  table.permissions = {P::kAll};
  s.grants = {table, Wildcard("other", "db", {P::kAll})};
  s.grants[1].id = 2;
  Snapshot snapshot(s);
  EXPECT_TRUE(snapshot.Resolve("r", "db", "t").ok());
  EXPECT_FALSE(snapshot.Resolve("r", "db", "u").ok());
  EXPECT_TRUE(snapshot.Resolve("other", "db", "u").ok());
}

TEST(SnapshotPermissions, NonSelectPermissionsListTheTableButDoNotReadIt) {
  for (P p : {P::kDescribe, P::kInsert, P::kDelete, P::kAlter, P::kDrop}) {
    SCOPED_TRACE(PermissionName(p));
    store::MetadataState s = LakeState();
    Grant g;
    g.id = 1;
    g.role = "r";
    g.database = "db";
    g.table = "t";
    g.permissions = {p};
    s.grants = {g};
    Snapshot snapshot(s);
    auto resolved = snapshot.Resolve("r", "db", "t");
    ASSERT_FALSE(resolved.ok());
    EXPECT_EQ(resolved.status().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(snapshot.VisibleTables("r", "db"), std::vector<std::string>{"t"});
    EXPECT_EQ(snapshot.VisibleDatabases("r"), std::vector<std::string>{"db"});
    EXPECT_TRUE(snapshot.DatabaseVisible("r", "db"));
  }
}

TEST(SnapshotPermissions, DatabaseGrantShowsTheDatabaseNotItsTables) {
  store::MetadataState s = LakeState();
  Grant g;
  g.id = 1;
  g.role = "r";
  g.database = "db";
  g.kind = R::kDatabase;
  g.permissions = {P::kCreateTable, P::kDescribe};
  s.grants = {g};
  Snapshot snapshot(s);
  EXPECT_EQ(snapshot.VisibleDatabases("r"), std::vector<std::string>{"db"});
  EXPECT_TRUE(snapshot.VisibleTables("r", "db").empty());
  EXPECT_FALSE(snapshot.Resolve("r", "db", "t").ok());
}

TEST(SnapshotPermissions, LakeAdminRoleSeesEverythingAndReadsNothing) {
  store::MetadataState s = LakeState();
  s.lake_admins = {"role/r"};
  Snapshot snapshot(s);
  EXPECT_TRUE(snapshot.IsLakeAdmin("role/r"));
  EXPECT_FALSE(snapshot.IsLakeAdmin("role/other"));
  EXPECT_EQ(snapshot.VisibleDatabases("r"), (std::vector<std::string>{"db", "empty", "other"}));
  EXPECT_EQ(snapshot.VisibleTables("r", "db"), (std::vector<std::string>{"t", "u"}));
  EXPECT_FALSE(snapshot.Resolve("r", "db", "t").ok());
  EXPECT_TRUE(snapshot.VisibleDatabases("other").empty());
}

// ---- the admin verbs: validity, grant option, lake administrators ----

class Lake {
 public:
  Lake() {
    const std::string root = temp_.path() + "/d";
    EXPECT_TRUE(admin::DataDir::Init(root).ok());
    auto opened = admin::DataDir::Open(root);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    dir_ = std::move(opened).value();
    for (const char* table : {"t", "u"}) {
      std::filesystem::create_directories(dir_->lake_root() + "/db/" + table);
      std::ofstream(dir_->lake_root() + "/db/" + table + "/part-0.csv") << "a,b\n1,x\n2,y\n";
    }
    admin::Admin local = Local();
    Must(local.Bootstrap(iam::Cluster{}, "admin-password"));
    for (const char* role : {"steward", "analyst", "guest"}) Must(local.CreateRole(role));
    // Every IAM action allowed: what is tested here is the Lake Formation side.
    Must(local.PutRolePolicy(
        "steward", "all", R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"));
    Must(local.CreateUser("sam", "steward", "pw", {}));
    Must(local.RegisterTable("db", "t", "db/t", catalog::TableFormat::kCsv, true).status());
    Must(local.CreateFilter("db", "t", "f", "a = 1", ColumnScope::kAll, {}));
  }

  admin::Admin Local() { return admin::Admin(dir_.get(), "local:test"); }
  admin::Admin Sam() { return admin::Admin(dir_.get(), admin::Caller::ForUser("sam")); }
  admin::DataDir* dir() { return dir_.get(); }
  std::shared_ptr<const Snapshot> snapshot() { return dir_->snapshot(); }

  std::vector<Grant> GrantsOf(const std::string& role) {
    std::vector<Grant> out;
    for (const auto& g : snapshot()->grants()) {
      if (g.role == role) out.push_back(g);
    }
    return out;
  }

  static void Must(const Status& status) { ASSERT_TRUE(status.ok()) << status.ToString(); }

 private:
  testing::TempDir temp_{"weir-permissions"};
  std::unique_ptr<admin::DataDir> dir_;
};

Grant On(R kind, PermissionSet permissions, PermissionSet grantable = {}) {
  Grant g;
  g.role = "analyst";
  g.permissions = permissions;
  g.grantable = grantable;
  switch (kind) {
    case R::kCatalog:
      g.kind = R::kCatalog;
      break;
    case R::kDatabase:
    case R::kTableWildcard:
      g.kind = kind;
      g.database = "db";
      break;
    case R::kTableWithColumns:
      g.database = "db";
      g.table = "t";
      g.scope = ColumnScope::kInclude;
      g.columns = {"a"};
      break;
    case R::kDataCellsFilter:
      g.database = "db";
      g.table = "t";
      g.filter = "f";
      break;
    default:
      g.kind = kind;
      g.database = "db";
      g.table = "t";
      break;
  }
  return g;
}

TEST(GrantVerb, EveryPermissionOnEveryGrantableResourceKindFollowsTheMatrix) {
  Lake lake;
  for (R kind : {R::kCatalog, R::kDatabase, R::kTable, R::kTableWildcard, R::kTableWithColumns, R::kDataCellsFilter}) {
    for (const auto& info : Permissions()) {
      SCOPED_TRACE(std::string(info.name) + " on " + ResourceKindName(kind));
      Status granted = lake.Local().Grant(On(kind, {info.permission}));
      if (!ValidOn(info.permission, kind)) {
        EXPECT_EQ(granted.code(), StatusCode::kInvalidArgument) << granted.ToString();
        EXPECT_NE(granted.message().find(info.name), std::string::npos) << granted.message();
        EXPECT_NE(granted.message().find(ResourceKindName(kind)), std::string::npos) << granted.message();
        continue;
      }
      ASSERT_TRUE(granted.ok()) << granted.ToString();
      bool found = false;
      for (const auto& g : lake.GrantsOf("analyst")) {
        if (g.Resource() == kind && g.permissions.Has(info.permission)) found = true;
      }
      EXPECT_TRUE(found);
      Status revoked = lake.Local().Revoke(On(kind, {info.permission}));
      EXPECT_TRUE(revoked.ok()) << revoked.ToString();
    }
  }
  EXPECT_TRUE(lake.GrantsOf("analyst").empty());
}

TEST(GrantVerb, DataLocationsAreNotSupportedYet) {
  Lake lake;
  Status status = lake.Local().Grant(On(R::kDataLocation, {P::kDataLocationAccess}));
  EXPECT_EQ(status.code(), StatusCode::kFeatureNotSupported) << status.ToString();
}

TEST(GrantVerb, PermissionsMergeOnOneResourceAndRevokeRemovesSome) {
  Lake lake;
  Lake::Must(lake.Local().Grant(On(R::kTable, {P::kSelect})));
  Lake::Must(lake.Local().Grant(On(R::kTable, {P::kDescribe, P::kInsert}, {P::kInsert})));
  auto grants = lake.GrantsOf("analyst");
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(ToString(grants[0].permissions), "SELECT,INSERT,DESCRIBE");
  EXPECT_EQ(ToString(grants[0].grantable), "INSERT");
  // Granting it again changes nothing.
  Lake::Must(lake.Local().Grant(On(R::kTable, {P::kSelect})));
  EXPECT_EQ(lake.GrantsOf("analyst")[0].id, grants[0].id);
  // Revoking only the grant option keeps the permission.
  Grant option_only = On(R::kTable, {}, {P::kInsert});
  Lake::Must(lake.Local().Revoke(option_only));
  grants = lake.GrantsOf("analyst");
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(ToString(grants[0].permissions), "SELECT,INSERT,DESCRIBE");
  EXPECT_TRUE(grants[0].grantable.empty());
  Lake::Must(lake.Local().Revoke(On(R::kTable, {P::kSelect})));
  EXPECT_FALSE(lake.snapshot()->Resolve("analyst", "db", "t").ok());
  EXPECT_EQ(lake.snapshot()->VisibleTables("analyst", "db"), std::vector<std::string>{"t"});
  Lake::Must(lake.Local().Revoke(On(R::kTable, {P::kInsert, P::kDescribe})));
  EXPECT_TRUE(lake.GrantsOf("analyst").empty());
  EXPECT_EQ(lake.Local().Revoke(On(R::kTable, {P::kSelect})).code(), StatusCode::kNotFound);
}

TEST(GrantVerb, GrantableMustBeAmongThePermissions) {
  Lake lake;
  Status status = lake.Local().Grant(On(R::kTable, {P::kSelect}, {P::kInsert}));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
}

TEST(GrantVerb, GrantableSelectOnColumnsNeedsAnIncludeList) {
  Lake lake;
  Grant exclude = On(R::kTableWithColumns, {P::kSelect}, {P::kSelect});
  exclude.scope = ColumnScope::kExclude;
  EXPECT_EQ(lake.Local().Grant(exclude).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(lake.Local().Grant(On(R::kTableWithColumns, {P::kSelect}, {P::kSelect})).ok());
}

TEST(GrantOption, AUserGrantsOnlyWhatItsRoleHoldsGrantable) {
  Lake lake;
  Grant to_analyst = On(R::kTable, {P::kSelect});
  Status denied = lake.Sam().Grant(to_analyst);
  EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied) << denied.ToString();
  EXPECT_NE(denied.message().find("SELECT"), std::string::npos);
  // The denial is audited, like an IAM one.
  auto records = lake.dir()->store().ReadAudit(0, 100000);
  ASSERT_TRUE(records.ok() && !records->empty());
  EXPECT_EQ(records->back().action, "grant");
  EXPECT_EQ(records->back().decision, "deny");

  // SELECT without the grant option is not enough.
  Grant steward = On(R::kTable, {P::kSelect});
  steward.role = "steward";
  Lake::Must(lake.Local().Grant(steward));
  EXPECT_EQ(lake.Sam().Grant(to_analyst).code(), StatusCode::kPermissionDenied);

  steward.grantable = {P::kSelect};
  Lake::Must(lake.Local().Grant(steward));
  Lake::Must(lake.Sam().Grant(to_analyst));
  EXPECT_TRUE(lake.snapshot()->Resolve("analyst", "db", "t").ok());
  // Within it: columns of the table and a filter on it.
  Lake::Must(lake.Sam().Grant(On(R::kTableWithColumns, {P::kSelect})));
  Lake::Must(lake.Sam().Grant(On(R::kDataCellsFilter, {P::kSelect})));
  // Beyond it: another permission, passing the grant option on... is fine
  // only for SELECT; INSERT is not held grantable.
  Lake::Must(lake.Sam().Grant(On(R::kTable, {P::kSelect}, {P::kSelect})));
  EXPECT_EQ(lake.Sam().Grant(On(R::kTable, {P::kInsert})).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(lake.Sam().Grant(On(R::kDatabase, {P::kDescribe})).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(lake.Sam().Grant(On(R::kTableWildcard, {P::kSelect})).code(), StatusCode::kPermissionDenied);
  // Revoking needs the same grant option.
  Lake::Must(lake.Sam().Revoke(On(R::kTableWithColumns, {P::kSelect})));
  EXPECT_EQ(lake.Sam().Revoke(On(R::kTable, {P::kInsert})).code(), StatusCode::kPermissionDenied);
}

TEST(GrantOption, GrantableAllCoversEveryTablePermission) {
  Lake lake;
  Grant steward = On(R::kTableWildcard, {P::kAll}, {P::kAll});
  steward.role = "steward";
  Lake::Must(lake.Local().Grant(steward));
  for (const char* name : {"SELECT", "INSERT", "DELETE", "DESCRIBE", "ALTER", "DROP", "ALL"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(lake.Sam().Grant(On(R::kTable, {*ParsePermission(name)})).ok());
  }
  EXPECT_TRUE(lake.Sam().Grant(On(R::kTableWildcard, {P::kSelect})).ok());
  EXPECT_EQ(lake.Sam().Grant(On(R::kDatabase, {P::kCreateTable})).code(), StatusCode::kPermissionDenied);
}

TEST(GrantOption, ColumnGrantableRegrantsTheSameColumnsOrFewer) {
  Lake lake;
  Grant steward = On(R::kTableWithColumns, {P::kSelect}, {P::kSelect});
  steward.role = "steward";
  steward.columns = {"a", "b"};
  Lake::Must(lake.Local().Grant(steward));
  Lake::Must(lake.Sam().Grant(On(R::kTableWithColumns, {P::kSelect})));  // column a only
  EXPECT_EQ(lake.Sam().Grant(On(R::kTable, {P::kSelect})).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(lake.Sam().Grant(On(R::kDataCellsFilter, {P::kSelect})).code(), StatusCode::kPermissionDenied);
}

TEST(LakeAdmin, MayGrantAnythingAndSeesEveryTableButReadsNone) {
  Lake lake;
  EXPECT_EQ(lake.Sam().Grant(On(R::kCatalog, {P::kCreateDatabase})).code(), StatusCode::kPermissionDenied);
  Lake::Must(lake.Local().AddLakeAdmin("role/steward"));
  Lake::Must(lake.Local().AddLakeAdmin("role/steward"));  // already one: unchanged
  // The bootstrap administrator is one from the start.
  EXPECT_EQ(lake.snapshot()->lake_admins(), (std::vector<std::string>{"role/steward", "user/admin"}));
  for (R kind : {R::kCatalog, R::kDatabase, R::kTable, R::kTableWildcard, R::kTableWithColumns, R::kDataCellsFilter}) {
    for (const auto& info : Permissions()) {
      if (!ValidOn(info.permission, kind)) continue;
      SCOPED_TRACE(std::string(info.name) + " on " + ResourceKindName(kind));
      EXPECT_TRUE(lake.Sam().Grant(On(kind, {info.permission}, {info.permission})).ok());
    }
  }
  auto snapshot = lake.snapshot();
  EXPECT_EQ(snapshot->VisibleTables("steward", "db"), std::vector<std::string>{"t"});
  EXPECT_FALSE(snapshot->Resolve("steward", "db", "t").ok());

  Lake::Must(lake.Local().RemoveLakeAdmin("role/steward"));
  EXPECT_EQ(lake.snapshot()->lake_admins(), std::vector<std::string>{"user/admin"});
  EXPECT_EQ(lake.Sam().Grant(On(R::kCatalog, {P::kCreateDatabase})).code(), StatusCode::kPermissionDenied);
  // A user may be one too.
  Lake::Must(lake.Local().AddLakeAdmin("user/sam"));
  EXPECT_TRUE(lake.Sam().Grant(On(R::kCatalog, {P::kCreateDatabase})).ok());
}

TEST(LakeAdmin, PrincipalsMustExistAndBeRolesOrUsers) {
  Lake lake;
  EXPECT_EQ(lake.Local().AddLakeAdmin("role/ghost").code(), StatusCode::kNotFound);
  EXPECT_EQ(lake.Local().AddLakeAdmin("user/ghost").code(), StatusCode::kNotFound);
  EXPECT_EQ(lake.Local().AddLakeAdmin("steward").code(), StatusCode::kInvalidArgument);
}

TEST(TableWildcard, CoversATableRegisteredAfterTheGrant) {
  Lake lake;
  Grant all_tables = On(R::kTableWildcard, {P::kSelect});
  Lake::Must(lake.Local().Grant(all_tables));
  EXPECT_FALSE(lake.snapshot()->Resolve("analyst", "db", "u").ok());
  Lake::Must(lake.Local().RegisterTable("db", "u", "db/u", catalog::TableFormat::kCsv, false).status());
  EXPECT_TRUE(lake.snapshot()->Resolve("analyst", "db", "u").ok());
  EXPECT_EQ(lake.snapshot()->VisibleTables("analyst", "db"), (std::vector<std::string>{"t", "u"}));
}

// ---- the store: grants written by schema version 3 ----

void Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

TEST(StoreMigration, GrantsOfVersion3BecomeSelectOnTheirTable) {
  testing::TempDir temp("weir-migration");
  const std::string path = temp.path() + "/meta.db";
  {
    // Stop the store at version 3 by writing a file as version 3 left it.
    auto store = store::OpenSqliteStore(path);
    ASSERT_TRUE(store.ok());
    auto txn = (*store)->Begin();
    ASSERT_TRUE(txn.ok());
    iam::Role role;
    role.name = "analyst";
    ASSERT_TRUE((*txn)->CreateRole(role).ok());
    ASSERT_TRUE((*txn)->CreateDatabase({"db", ""}).ok());
    ASSERT_TRUE((*txn)->CreateTable(MakeTable("db", "t")).ok());
    ASSERT_TRUE((*txn)->CreateFilter({"db", "t", "f", "", ColumnScope::kAll, {}}).ok());
    ASSERT_TRUE((*txn)->Commit().ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  // The grants table as migrations 1 and 2 made it, without what 5 adds.
  Exec(db, R"(DROP TABLE lf_tag_assignments;
DROP TABLE lf_tags;
DROP TABLE grants;
CREATE TABLE grants (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  role TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE,
  "database" TEXT NOT NULL,
  table_name TEXT NOT NULL,
  scope TEXT NOT NULL,
  columns TEXT NOT NULL,
  filter_name TEXT NOT NULL DEFAULT '',
  FOREIGN KEY ("database", table_name) REFERENCES tables ("database", name) ON DELETE CASCADE
);
CREATE INDEX grants_by_role ON grants (role);
CREATE INDEX grants_by_table ON grants ("database", table_name);
-- The audit table as it was before migration 6 (the hash chain).
ALTER TABLE audit DROP COLUMN hash;
INSERT INTO grants (id, role, "database", table_name, scope, columns, filter_name) VALUES
  (3, 'analyst', 'db', 't', 'all', '[]', ''),
  (5, 'analyst', 'db', 't', 'include', '["a"]', ''),
  (7, 'analyst', 'db', 't', 'all', '[]', 'f');
PRAGMA user_version = 3;)");
  sqlite3_close(db);

  auto store = store::OpenSqliteStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto state = (*store)->Load();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->grants.size(), 3u);
  std::vector<int64_t> ids;
  for (const auto& g : state->grants) {
    ids.push_back(g.id);
    EXPECT_EQ(g.kind, R::kTable);
    EXPECT_EQ(ToString(g.permissions), "SELECT");
    EXPECT_TRUE(g.grantable.empty());
    EXPECT_EQ(g.database, "db");
    EXPECT_EQ(g.table, "t");
  }
  EXPECT_EQ(ids, (std::vector<int64_t>{3, 5, 7}));
  EXPECT_EQ(state->grants[1].Resource(), R::kTableWithColumns);
  EXPECT_EQ(state->grants[1].columns, std::vector<std::string>{"a"});
  EXPECT_EQ(state->grants[2].Resource(), R::kDataCellsFilter);
  Snapshot snapshot(*state);
  EXPECT_TRUE(snapshot.Resolve("analyst", "db", "t").ok());

  // New grants of every kind go next to them, with fresh ids; dropping the
  // table still cascades to its grants only.
  auto txn = (*store)->Begin();
  ASSERT_TRUE(txn.ok());
  Grant wildcard = Wildcard("analyst", "db", {P::kSelect, P::kDescribe});
  wildcard.grantable = {P::kSelect};
  auto added = (*txn)->AddGrant(wildcard);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_GT(*added, 7);
  Grant catalog_grant;
  catalog_grant.role = "analyst";
  catalog_grant.kind = R::kCatalog;
  catalog_grant.permissions = {P::kCreateDatabase};
  ASSERT_TRUE((*txn)->AddGrant(catalog_grant).ok());
  ASSERT_TRUE((*txn)->DeleteTable("db", "t").ok());
  ASSERT_TRUE((*txn)->Commit().ok());
  state = (*store)->Load();
  ASSERT_TRUE(state.ok());
  ASSERT_EQ(state->grants.size(), 2u);
  EXPECT_EQ(state->grants[0].kind, R::kTableWildcard);
  EXPECT_EQ(ToString(state->grants[0].permissions), "SELECT,DESCRIBE");
  EXPECT_EQ(ToString(state->grants[0].grantable), "SELECT");
  EXPECT_EQ(state->grants[1].kind, R::kCatalog);
  // The database's grants go with it.
  txn = (*store)->Begin();
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->DeleteDatabase("db").ok());
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_EQ((*store)->Load()->grants.size(), 1u);
}

}  // namespace
}  // namespace weir::access
