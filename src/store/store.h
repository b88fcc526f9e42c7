#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "access/grant.h"
#include "audit/record.h"
#include "catalog/catalog.h"
#include "common/status.h"
#include "iam/role.h"

namespace weir::store {

// Everything the store holds about principals, the catalog and grants, read
// at one consistent point. `version` increases with every committed change.
struct MetadataState {
  int64_t version = 0;
  std::vector<iam::Role> roles;                // sorted by name
  std::vector<catalog::Database> databases;    // sorted by name
  std::vector<catalog::Table> tables;          // sorted by (database, name)
  std::vector<access::Grant> grants;           // sorted by id
  std::vector<access::DataFilter> filters;     // sorted by (database, table, name)
  std::vector<iam::User> users;                // sorted by name
  std::vector<iam::ManagedPolicy> policies;    // sorted by name
  iam::Cluster cluster;                        // defaults until PutCluster
  std::map<std::string, std::string> secrets;  // server-side secrets by name (e.g. "sts_key")
  // Data lake administrators: user and role names, sorted, unique.
  std::vector<std::string> lake_admins;
  // Stack records by stack name: what each applied stack file manages
  // (a JSON document written by the stack module).
  std::map<std::string, std::string> stacks;
  std::vector<access::LfTag> lf_tags;                  // sorted by key
  std::vector<access::TagAssignment> tag_assignments;  // sorted by (resource, key)
};

// A write transaction. Every change and its audit record go through one of
// these and become visible together at Commit(); destroying it uncommitted
// rolls everything back. Not thread-safe; one per thread.
class Transaction {
 public:
  virtual ~Transaction() = default;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // The state as this transaction sees it (its own changes included).
  virtual Result<MetadataState> Load() = 0;

  // kAlreadyExists when a role of that name exists.
  virtual Status CreateRole(const iam::Role& role) = 0;
  // Replaces everything but the name. kNotFound when absent.
  virtual Status UpdateRole(const iam::Role& role) = 0;
  // kNotFound when absent; kFailedPrecondition while it is a user's execution
  // role. Also deletes the role's grants.
  virtual Status DeleteRole(const std::string& name) = 0;
  // kAlreadyExists when present; kNotFound when the execution role is absent.
  virtual Status CreateUser(const iam::User& user) = 0;
  // Replaces everything but the name. kNotFound when the user or the execution role is absent.
  virtual Status UpdateUser(const iam::User& user) = 0;
  // kNotFound when absent.
  virtual Status DeleteUser(const std::string& name) = 0;
  // kAlreadyExists when present.
  virtual Status CreatePolicy(const iam::ManagedPolicy& policy) = 0;
  // kNotFound when absent.
  virtual Status UpdatePolicy(const iam::ManagedPolicy& policy) = 0;
  // kNotFound when absent. (Callers detach it from roles first.)
  virtual Status DeletePolicy(const std::string& name) = 0;
  // Stores the cluster record.
  virtual Status PutCluster(const iam::Cluster& cluster) = 0;
  // Stores (replaces) a server-side secret.
  virtual Status PutSecret(const std::string& name, const std::string& value) = 0;
  // Replaces the list of data lake administrators (user or role names;
  // callers sort and validate them).
  virtual Status PutLakeAdmins(const std::vector<std::string>& principals) = 0;
  // Stores (replaces) the record of stack `name`.
  virtual Status PutStack(const std::string& name, const std::string& record) = 0;
  // kNotFound when absent.
  virtual Status DeleteStack(const std::string& name) = 0;
  // kAlreadyExists when present.
  virtual Status CreateDatabase(const catalog::Database& database) = 0;
  // kNotFound when absent; kFailedPrecondition when it still holds tables.
  // Also deletes the grants on the database and on all its tables, and its
  // LF-Tag assignments.
  virtual Status DeleteDatabase(const std::string& name) = 0;
  // kNotFound when the database is absent; kAlreadyExists when the table is present.
  virtual Status CreateTable(const catalog::Table& table) = 0;
  // kNotFound when absent. Also deletes the table's grants, filters and
  // LF-Tag assignments (its columns' too).
  virtual Status DeleteTable(const std::string& database, const std::string& name) = 0;
  // kNotFound when the table is absent; kAlreadyExists when the table has a
  // filter of that name. The row filter text is stored as given (callers validate).
  virtual Status CreateFilter(const access::DataFilter& filter) = 0;
  // kNotFound when absent. Also deletes the grants on the filter.
  virtual Status DeleteFilter(const std::string& database, const std::string& table, const std::string& name) = 0;
  // Stores `grant` (its id is ignored) and returns the new id. kNotFound when
  // the role, the database (database and all-tables grants), the table or
  // the named filter (table grants) is absent. Callers validate permissions.
  virtual Result<int64_t> AddGrant(const access::Grant& grant) = 0;
  // kNotFound when no grant has that id.
  virtual Status RemoveGrant(int64_t id) = 0;
  // kAlreadyExists when a tag of that key exists. Stored as given (callers
  // normalize and enforce the limits of access/lf_tag.h).
  virtual Status CreateLfTag(const access::LfTag& tag) = 0;
  // Replaces the tag's values. kNotFound when absent. Callers remove the
  // assignments of values they drop first.
  virtual Status UpdateLfTag(const access::LfTag& tag) = 0;
  // kNotFound when absent. Also deletes the tag's assignments; callers
  // remove the grants that name it first.
  virtual Status DeleteLfTag(const std::string& key) = 0;
  // Assigns the tag's value to the resource, replacing the value of that
  // key it held. kNotFound when the tag, the database or the table is
  // absent (callers check columns and values).
  virtual Status AssignLfTag(const access::TagAssignment& assignment) = 0;
  // kNotFound when the resource holds no value of `key`.
  virtual Status UnassignLfTag(const access::TagResource& resource, const std::string& key) = 0;
  // Appends an audit record (its seq and hashes are ignored) and returns
  // the assigned seq. The record is chained to the newest one (see
  // audit::Chain).
  virtual Result<int64_t> AppendAudit(const audit::Record& record) = 0;

  // Makes every change durable (fsync'd) and visible, and bumps the version.
  // After Commit, the transaction may not be used again.
  virtual Status Commit() = 0;

 protected:
  Transaction() = default;
};

// The metadata store. Implementations: SqliteStore (the default, in the data
// directory) and MemoryStore (tests). Thread-safe: transactions from several
// threads serialize; Load() never blocks on a writer longer than one commit.
class Store {
 public:
  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The latest committed state.
  virtual Result<MetadataState> Load() = 0;
  // Starts a write transaction (writers serialize).
  virtual Result<std::unique_ptr<Transaction>> Begin() = 0;
  // Appends query audit records in one durable transaction (group commit),
  // assigning seqs and chaining each to the one before.
  virtual Status AppendAudit(const std::vector<audit::Record>& records) = 0;
  // Audit records with seq > after_seq, oldest first, at most `limit`.
  virtual Result<std::vector<audit::Record>> ReadAudit(int64_t after_seq, size_t limit) = 0;
  // The same records as their audit::ToLine() text, as the store holds it
  // (the audit files' export copies it without parsing it again).
  struct AuditLine {
    int64_t seq = 0;
    std::string text;
  };
  virtual Result<std::vector<AuditLine>> ReadAuditLines(int64_t after_seq, size_t limit) {
    WEIR_ASSIGN_OR_RETURN(std::vector<audit::Record> records, ReadAudit(after_seq, limit));
    std::vector<AuditLine> lines;
    lines.reserve(records.size());
    for (const auto& record : records) lines.push_back({record.seq, audit::ToLine(record)});
    return lines;
  }

 protected:
  Store() = default;
};

// Opens (creating if absent) the SQLite store at `path`: WAL journal,
// synchronous=FULL, schema migrations applied in order at open. Refuses a
// database whose schema version is newer than this build knows.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

// Opens the SQLite store at `path` read-only, beside any process that
// writes it (no lock, no migration): Load() and ReadAudit() see the latest
// commit; writes fail with kFailedPrecondition. kFailedPrecondition when the
// schema is older or newer than this build's; kIoError when it cannot be
// opened.
Result<std::unique_ptr<Store>> OpenSqliteStoreReadOnly(const std::string& path);

// An in-memory store with the same behaviour, for unit tests.
std::unique_ptr<Store> NewMemoryStore();

}  // namespace weir::store
