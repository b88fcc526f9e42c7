#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "access/grant.h"
#include "access/lf_tag.h"
#include "access/row_filter.h"
#include "catalog/catalog.h"
#include "common/status.h"
#include "iam/role.h"

namespace weir::store {
struct MetadataState;
}
namespace weir::iam {
class Directory;
}

namespace weir::access {

// What one role may read of one table, combined from all its grants the way
// Lake Formation combines them:
//   - a column is visible when any grant (direct or through a data cells
//     filter) includes it;
//   - a row exists for the role when it satisfies any grant's row filter; a
//     grant on all rows wins (no predicate);
//   - a visible column's cell is visible in a row when any grant including
//     that column covers the row; elsewhere the cell reads as NULL.
struct TableAccess {
  const catalog::Table* table = nullptr;  // owned by the Snapshot
  std::vector<size_t> visible_columns;    // indexes into table->columns, in table order
  // Rows outside it do not exist for the role; nullopt = every row.
  std::optional<FilterExpr> row_predicate;
  // One entry per visible column: the cell's visibility condition, evaluated
  // on rows that pass row_predicate; nullopt = always visible.
  std::vector<std::optional<FilterExpr>> cell_conditions;
  // The grants that produced this access: "table", "include columns",
  // "filter NAME", "all tables", "tags k=v1,v2;k2=v3".
  std::vector<std::string> sources;

  bool ColumnVisible(size_t index) const;
};

// An immutable, indexed view of the catalog and grants at one store version.
// Built once per change and shared (`std::shared_ptr<const Snapshot>`), so
// queries never lock against administration. Thread-safe (const).
class Snapshot {
 public:
  explicit Snapshot(const store::MetadataState& state);

  int64_t version() const { return version_; }

  bool HasRole(const std::string& role) const;
  const catalog::Table* FindTable(const std::string& database, const std::string& table) const;
  bool HasDatabase(const std::string& database) const;

  // What `role` may read of database.table: its named grants on the table
  // and, unioned with them, its LF-Tag policies on tables whose expression
  // the table's columns match (all rows, the matching columns). A table the
  // role holds no grant on and a table that does not exist give the same
  // kPermissionDenied error, so a denial reveals nothing about existence.
  Result<TableAccess> Resolve(const std::string& role, const std::string& database, const std::string& table) const;

  // Databases `role` can see, sorted: those with a table it can see, those
  // it holds any permission on (a database grant, an LF-Tag policy on
  // databases its tags match, or an all-tables grant, which implies
  // DESCRIBE on the database, as in Lake Formation), and every database
  // when the role is a data lake administrator.
  std::vector<std::string> VisibleDatabases(const std::string& role) const;
  bool DatabaseVisible(const std::string& role, const std::string& database) const;
  // Tables of `database` that `role` can see, sorted: those it may read
  // (Resolve succeeds), those it holds any other permission on directly,
  // through an all-tables grant or through an LF-Tag policy on tables that
  // matches one of its columns (every Lake Formation permission implies
  // DESCRIBE), and every table when the role is a data lake administrator.
  // A table visible without SELECT is listed (SHOW TABLES) but not
  // readable: Resolve still denies it, and the catalog mirror, which needs
  // its columns, leaves it out.
  std::vector<std::string> VisibleTables(const std::string& role, const std::string& database) const;

  // LF-Tags in effect, with the level each comes from (sorted by key): a
  // database's own; a table's, inherited from its database unless it
  // assigns the key itself; a column's, inherited from its table. Empty for
  // an unknown database, table or column. Precomputed: O(tags).
  std::vector<EffectiveTag> DatabaseTags(const std::string& database) const;
  std::vector<EffectiveTag> TableTags(const std::string& database, const std::string& table) const;
  std::vector<EffectiveTag> ColumnTags(const std::string& database, const std::string& table,
                                       const std::string& column) const;
  // The columns of database.table an LF-Tag policy on tables covers, one
  // flag per column in table order: those whose effective tags match its
  // expression. nullopt when it covers none, the table does not exist, or
  // `grant` is no such policy. O(tags of the table), O(columns × tags) when
  // some column has tags of its own.
  std::optional<std::vector<bool>> TagPolicyColumns(const Grant& grant, const std::string& database,
                                                    const std::string& table) const;
  const std::vector<LfTag>& lf_tags() const { return lf_tags_; }
  const std::vector<TagAssignment>& tag_assignments() const { return tag_assignments_; }
  const LfTag* FindLfTag(const std::string& key) const;

  // Whether `principal` ("role/NAME" or "user/NAME") is a data lake
  // administrator.
  bool IsLakeAdmin(const std::string& principal) const;
  const std::vector<std::string>& lake_admins() const { return lake_admins_; }

  const std::vector<iam::Role>& roles() const { return roles_; }
  const std::vector<catalog::Table>& tables() const { return tables_; }
  const std::vector<Grant>& grants() const { return grants_; }
  const std::vector<DataFilter>& filters() const { return filters_; }

  // Users, roles and policies, compiled (who may connect as which role).
  const iam::Directory& directory() const { return *directory_; }
  // The key temporary session credentials are signed with (raw bytes);
  // empty when the data directory has none.
  const std::string& session_key() const { return session_key_; }

  // The message every invisible table shares.
  static std::string TableDeniedMessage(const std::string& database, const std::string& table);

 private:
  int64_t version_ = 0;
  std::shared_ptr<const iam::Directory> directory_;
  std::string session_key_;
  std::vector<iam::Role> roles_;
  std::vector<catalog::Database> databases_;
  std::vector<catalog::Table> tables_;
  std::vector<Grant> grants_;
  std::vector<DataFilter> filters_;
  // "db.table.filter" → the parsed row filter (nullopt = all rows). A stored
  // filter that no longer parses is absent, so grants on it admit nothing.
  std::map<std::string, std::optional<FilterExpr>> filter_rows_;
  std::map<std::string, const DataFilter*> filter_index_;
  // "db.table" → index into tables_.
  std::map<std::string, size_t> table_index_;
  std::vector<std::string> lake_admins_;
  // Whether the LF-Tag policy `grant` covers table `index` (tables_), with
  // the matching columns in `columns`.
  bool MatchTagPolicy(const Grant& grant, size_t index, std::vector<bool>* columns) const;
  // Whether any LF-Tag policy of `role` covers table `index`.
  bool TaggedForRole(const std::string& role, size_t index) const;
  std::vector<LfTag> lf_tags_;
  std::vector<TagAssignment> tag_assignments_;
  // database → its tags; per table (index into tables_): its effective
  // tags, and each column's when some column of it has tags of its own
  // (empty otherwise: every column has the table's).
  std::map<std::string, std::vector<EffectiveTag>> database_tags_;
  std::vector<std::vector<EffectiveTag>> table_tags_;
  std::vector<std::vector<std::vector<EffectiveTag>>> column_tags_;
  // role → indexes into grants_ of its LF-Tag policies on tables. They are
  // matched against a table's precomputed tags when it is resolved, so a
  // change of tags needs no re-expansion of grants and a role's cost is
  // O(its grants + the table's tags).
  std::map<std::string, std::vector<size_t>> tag_grants_by_role_;
  // role → "db.table" → indexes into grants_ of the grants that give SELECT
  // on it (table grants and all-tables grants of its database).
  std::map<std::string, std::map<std::string, std::vector<size_t>>> grants_by_role_;
  // role → "db.table" of tables it holds a non-SELECT permission on (DESCRIBE
  // and the rest, directly or through an all-tables grant).
  std::map<std::string, std::set<std::string>> described_by_role_;
  // role → databases it holds a database or all-tables grant on, or an
  // LF-Tag policy on databases matching.
  std::map<std::string, std::set<std::string>> databases_by_role_;
};

}  // namespace weir::access
