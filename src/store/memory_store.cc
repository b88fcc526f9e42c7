// MemoryStore: the Store contract without a file, for unit tests.
//
// A transaction holds the writer mutex for its whole life and edits a copy
// of the committed state; Commit() swaps the copy in under the state mutex.
// Audit records live beside the state (they are append-only and would make
// every copy grow) and a transaction appends its own at Commit().

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "store/store.h"

namespace weir::store {

namespace {

struct State {
  MetadataState metadata;
  int64_t next_grant_id = 1;
};

class MemoryStore;

// Lists sorted by name: lookup and sorted insertion.
template <typename T>
T* FindNamed(std::vector<T>& items, const std::string& name) {
  auto it =
      std::lower_bound(items.begin(), items.end(), name, [](const T& t, const std::string& n) { return t.name < n; });
  return it != items.end() && it->name == name ? &*it : nullptr;
}

template <typename T>
Status InsertNamed(std::vector<T>& items, const T& item, const char* kind) {
  auto it = std::lower_bound(items.begin(), items.end(), item.name,
                             [](const T& t, const std::string& n) { return t.name < n; });
  if (it != items.end() && it->name == item.name) {
    return Status::AlreadyExists(std::string(kind) + " '" + item.name + "' already exists");
  }
  items.insert(it, item);
  return Status::Ok();
}

class MemoryTransaction final : public Transaction {
 public:
  MemoryTransaction(MemoryStore* store, std::unique_lock<std::mutex> writer, State state, int64_t next_seq,
                    std::string head)
      : store_(store),
        writer_(std::move(writer)),
        state_(std::move(state)),
        next_seq_(next_seq),
        head_(std::move(head)) {}

  Result<MetadataState> Load() override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    return state_.metadata;
  }

  Status CreateRole(const iam::Role& role) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    auto& roles = state_.metadata.roles;
    auto it = std::lower_bound(roles.begin(), roles.end(), role.name,
                               [](const iam::Role& r, const std::string& name) { return r.name < name; });
    if (it != roles.end() && it->name == role.name) {
      return Status::AlreadyExists("role '" + role.name + "' already exists");
    }
    roles.insert(it, role);
    return Status::Ok();
  }

  Status UpdateRole(const iam::Role& role) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    auto* found = FindNamed(state_.metadata.roles, role.name);
    if (found == nullptr) return Status::NotFound("role '" + role.name + "' does not exist");
    *found = role;
    return Status::Ok();
  }

  Status CreateUser(const iam::User& user) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    if (FindNamed(state_.metadata.roles, user.execution_role) == nullptr) {
      return Status::NotFound("role '" + user.execution_role + "' does not exist");
    }
    return InsertNamed(state_.metadata.users, user, "user");
  }

  Status UpdateUser(const iam::User& user) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    if (FindNamed(state_.metadata.roles, user.execution_role) == nullptr) {
      return Status::NotFound("role '" + user.execution_role + "' does not exist");
    }
    auto* found = FindNamed(state_.metadata.users, user.name);
    if (found == nullptr) return Status::NotFound("user '" + user.name + "' does not exist");
    *found = user;
    return Status::Ok();
  }

  Status DeleteUser(const std::string& name) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    if (std::erase_if(state_.metadata.users, [&](const iam::User& u) { return u.name == name; }) == 0) {
      return Status::NotFound("user '" + name + "' does not exist");
    }
    return Status::Ok();
  }

  Status CreatePolicy(const iam::ManagedPolicy& policy) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    return InsertNamed(state_.metadata.policies, policy, "policy");
  }

  Status UpdatePolicy(const iam::ManagedPolicy& policy) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    auto* found = FindNamed(state_.metadata.policies, policy.name);
    if (found == nullptr) return Status::NotFound("policy '" + policy.name + "' does not exist");
    *found = policy;
    return Status::Ok();
  }

  Status DeletePolicy(const std::string& name) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    if (std::erase_if(state_.metadata.policies, [&](const iam::ManagedPolicy& p) { return p.name == name; }) == 0) {
      return Status::NotFound("policy '" + name + "' does not exist");
    }
    return Status::Ok();
  }

  Status PutCluster(const iam::Cluster& cluster) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    state_.metadata.cluster = cluster;
    return Status::Ok();
  }

  Status PutSecret(const std::string& name, const std::string& value) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    state_.metadata.secrets[name] = value;
    return Status::Ok();
  }

  Status PutLakeAdmins(const std::vector<std::string>& principals) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    state_.metadata.lake_admins = principals;
    return Status::Ok();
  }

  Status PutStack(const std::string& name, const std::string& record) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    state_.metadata.stacks[name] = record;
    return Status::Ok();
  }

  Status DeleteStack(const std::string& name) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    if (state_.metadata.stacks.erase(name) == 0) return Status::NotFound("stack " + name + " does not exist");
    return Status::Ok();
  }

  Status DeleteRole(const std::string& name) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    if (std::any_of(state_.metadata.users.begin(), state_.metadata.users.end(),
                    [&](const iam::User& u) { return u.execution_role == name; })) {
      return Status::FailedPrecondition("role '" + name + "' is a user's execution role");
    }
    auto& roles = state_.metadata.roles;
    auto it = std::find_if(roles.begin(), roles.end(), [&](const iam::Role& r) { return r.name == name; });
    if (it == roles.end()) return Status::NotFound("role '" + name + "' does not exist");
    roles.erase(it);
    std::erase_if(state_.metadata.grants, [&](const access::Grant& g) { return g.role == name; });
    return Status::Ok();
  }

  Status CreateDatabase(const catalog::Database& database) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    auto& databases = state_.metadata.databases;
    auto it = std::lower_bound(databases.begin(), databases.end(), database.name,
                               [](const catalog::Database& d, const std::string& name) { return d.name < name; });
    if (it != databases.end() && it->name == database.name) {
      return Status::AlreadyExists("database '" + database.name + "' already exists");
    }
    databases.insert(it, database);
    return Status::Ok();
  }

  Status DeleteDatabase(const std::string& name) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    auto& databases = state_.metadata.databases;
    auto it =
        std::find_if(databases.begin(), databases.end(), [&](const catalog::Database& d) { return d.name == name; });
    if (it == databases.end()) return Status::NotFound("database '" + name + "' does not exist");
    const auto& tables = state_.metadata.tables;
    if (std::any_of(tables.begin(), tables.end(), [&](const catalog::Table& t) { return t.database == name; })) {
      return Status::FailedPrecondition("database '" + name + "' still holds tables");
    }
    databases.erase(it);
    std::erase_if(state_.metadata.grants, [&](const access::Grant& g) {
      return g.database == name &&
             (g.kind == access::ResourceKind::kDatabase || g.kind == access::ResourceKind::kTableWildcard);
    });
    std::erase_if(state_.metadata.tag_assignments,
                  [&](const access::TagAssignment& a) { return a.resource.database == name; });
    return Status::Ok();
  }

  Status CreateTable(const catalog::Table& table) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    if (!HasDatabase(table.database)) return Status::NotFound("database '" + table.database + "' does not exist");
    auto& tables = state_.metadata.tables;
    auto it = std::lower_bound(tables.begin(), tables.end(), table, TableLess);
    if (it != tables.end() && it->database == table.database && it->name == table.name) {
      return Status::AlreadyExists("table '" + table.QualifiedName() + "' already exists");
    }
    tables.insert(it, table);
    return Status::Ok();
  }

  Status DeleteTable(const std::string& database, const std::string& name) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    auto& tables = state_.metadata.tables;
    auto it = std::find_if(tables.begin(), tables.end(),
                           [&](const catalog::Table& t) { return t.database == database && t.name == name; });
    if (it == tables.end()) return Status::NotFound("table '" + database + "." + name + "' does not exist");
    tables.erase(it);
    std::erase_if(state_.metadata.grants, [&](const access::Grant& g) {
      return g.kind == access::ResourceKind::kTable && g.database == database && g.table == name;
    });
    std::erase_if(state_.metadata.filters,
                  [&](const access::DataFilter& f) { return f.database == database && f.table == name; });
    std::erase_if(state_.metadata.tag_assignments, [&](const access::TagAssignment& a) {
      return a.resource.database == database && a.resource.table == name;
    });
    return Status::Ok();
  }

  Status CreateFilter(const access::DataFilter& filter) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    const auto& tables = state_.metadata.tables;
    if (std::none_of(tables.begin(), tables.end(), [&](const catalog::Table& t) {
          return t.database == filter.database && t.name == filter.table;
        })) {
      return Status::NotFound("table '" + filter.database + "." + filter.table + "' does not exist");
    }
    auto& filters = state_.metadata.filters;
    auto key = [](const access::DataFilter& f) { return std::tie(f.database, f.table, f.name); };
    auto it =
        std::lower_bound(filters.begin(), filters.end(), filter,
                         [&](const access::DataFilter& a, const access::DataFilter& b) { return key(a) < key(b); });
    if (it != filters.end() && key(*it) == key(filter)) {
      return Status::AlreadyExists("data filter '" + filter.name + "' already exists on " + filter.database + "." +
                                   filter.table);
    }
    filters.insert(it, filter);
    return Status::Ok();
  }

  Status DeleteFilter(const std::string& database, const std::string& table, const std::string& name) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    auto removed = std::erase_if(state_.metadata.filters, [&](const access::DataFilter& f) {
      return f.database == database && f.table == table && f.name == name;
    });
    if (removed == 0) return Status::NotFound("data filter '" + name + "' does not exist");
    std::erase_if(state_.metadata.grants, [&](const access::Grant& g) {
      return g.database == database && g.table == table && g.filter == name;
    });
    return Status::Ok();
  }

  Result<int64_t> AddGrant(const access::Grant& grant) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    const auto& roles = state_.metadata.roles;
    if (std::none_of(roles.begin(), roles.end(), [&](const iam::Role& r) { return r.name == grant.role; })) {
      return Status::NotFound("role '" + grant.role + "' does not exist");
    }
    bool on_table = grant.kind == access::ResourceKind::kTable;
    if ((grant.kind == access::ResourceKind::kDatabase || grant.kind == access::ResourceKind::kTableWildcard) &&
        !HasDatabase(grant.database)) {
      return Status::NotFound("database '" + grant.database + "' does not exist");
    }
    const auto& tables = state_.metadata.tables;
    if (on_table && std::none_of(tables.begin(), tables.end(), [&](const catalog::Table& t) {
          return t.database == grant.database && t.name == grant.table;
        })) {
      return Status::NotFound("table '" + grant.database + "." + grant.table + "' does not exist");
    }
    const auto& filters = state_.metadata.filters;
    if (on_table && !grant.filter.empty() &&
        std::none_of(filters.begin(), filters.end(), [&](const access::DataFilter& f) {
          return f.database == grant.database && f.table == grant.table && f.name == grant.filter;
        })) {
      return Status::NotFound("data filter '" + grant.filter + "' does not exist");
    }
    access::Grant stored = grant;
    if (!on_table) stored.table.clear();
    if (grant.kind == access::ResourceKind::kCatalog) stored.database.clear();
    stored.id = state_.next_grant_id++;
    // Ids only grow, so appending keeps the list sorted by id.
    state_.metadata.grants.push_back(std::move(stored));
    return state_.metadata.grants.back().id;
  }

  Status RemoveGrant(int64_t id) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    auto& grants = state_.metadata.grants;
    auto it = std::find_if(grants.begin(), grants.end(), [&](const access::Grant& g) { return g.id == id; });
    if (it == grants.end()) return Status::NotFound("grant " + std::to_string(id) + " does not exist");
    grants.erase(it);
    return Status::Ok();
  }

  Status CreateLfTag(const access::LfTag& tag) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    auto& tags = state_.metadata.lf_tags;
    auto it = LowerTag(tag.key);
    if (it != tags.end() && it->key == tag.key) return Status::AlreadyExists("LF-Tag '" + tag.key + "' already exists");
    tags.insert(it, tag);
    return Status::Ok();
  }

  Status UpdateLfTag(const access::LfTag& tag) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    auto it = LowerTag(tag.key);
    if (it == state_.metadata.lf_tags.end() || it->key != tag.key) {
      return Status::NotFound("LF-Tag '" + tag.key + "' does not exist");
    }
    it->values = tag.values;
    return Status::Ok();
  }

  Status DeleteLfTag(const std::string& key) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    auto it = LowerTag(key);
    if (it == state_.metadata.lf_tags.end() || it->key != key) {
      return Status::NotFound("LF-Tag '" + key + "' does not exist");
    }
    state_.metadata.lf_tags.erase(it);
    std::erase_if(state_.metadata.tag_assignments, [&](const access::TagAssignment& a) { return a.key == key; });
    return Status::Ok();
  }

  Status AssignLfTag(const access::TagAssignment& assignment) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    auto tag = LowerTag(assignment.key);
    if (tag == state_.metadata.lf_tags.end() || tag->key != assignment.key) {
      return Status::NotFound("LF-Tag '" + assignment.key + "' does not exist");
    }
    const access::TagResource& r = assignment.resource;
    if (!HasDatabase(r.database)) return Status::NotFound("database '" + r.database + "' does not exist");
    const auto& tables = state_.metadata.tables;
    if (!r.table.empty() && std::none_of(tables.begin(), tables.end(), [&](const catalog::Table& t) {
          return t.database == r.database && t.name == r.table;
        })) {
      return Status::NotFound("table '" + r.database + "." + r.table + "' does not exist");
    }
    auto& assignments = state_.metadata.tag_assignments;
    auto key = [](const access::TagAssignment& a) { return std::tie(a.resource, a.key); };
    auto it = std::lower_bound(
        assignments.begin(), assignments.end(), assignment,
        [&](const access::TagAssignment& a, const access::TagAssignment& b) { return key(a) < key(b); });
    if (it != assignments.end() && key(*it) == key(assignment)) {
      it->value = assignment.value;
    } else {
      assignments.insert(it, assignment);
    }
    return Status::Ok();
  }

  Status UnassignLfTag(const access::TagResource& resource, const std::string& key) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    auto removed = std::erase_if(state_.metadata.tag_assignments, [&](const access::TagAssignment& a) {
      return a.resource == resource && a.key == key;
    });
    if (removed == 0) return Status::NotFound(resource.Label() + " has no LF-Tag '" + key + "'");
    return Status::Ok();
  }

  Result<int64_t> AppendAudit(const audit::Record& record) override {
    WEIR_RETURN_IF_ERROR(CheckOpen());
    audit::Record stored = record;
    stored.seq = next_seq_++;
    audit::Chain(head_, &stored);
    head_ = stored.hash;
    audit_.push_back(std::move(stored));
    return audit_.back().seq;
  }

  Status Commit() override;

 private:
  Status CheckOpen() const {
    if (done_) return Status::FailedPrecondition("transaction already finished");
    return Status::Ok();
  }

  static bool TableLess(const catalog::Table& a, const catalog::Table& b) {
    return std::tie(a.database, a.name) < std::tie(b.database, b.name);
  }

  // The first tag whose key is not less than `key`.
  std::vector<access::LfTag>::iterator LowerTag(const std::string& key) {
    auto& tags = state_.metadata.lf_tags;
    return std::lower_bound(tags.begin(), tags.end(), key,
                            [](const access::LfTag& t, const std::string& k) { return t.key < k; });
  }

  bool HasDatabase(const std::string& name) const {
    const auto& databases = state_.metadata.databases;
    return std::any_of(databases.begin(), databases.end(), [&](const catalog::Database& d) { return d.name == name; });
  }

  MemoryStore* store_;
  std::unique_lock<std::mutex> writer_;
  State state_;
  std::vector<audit::Record> audit_;
  int64_t next_seq_;
  std::string head_;  // the hash of the newest record, this transaction's included
  bool done_ = false;
};

class MemoryStore final : public Store {
 public:
  MemoryStore() = default;

  Result<MetadataState> Load() override {
    std::lock_guard lock(state_mu_);
    return state_.metadata;
  }

  Result<std::unique_ptr<Transaction>> Begin() override {
    std::unique_lock writer(writer_mu_);
    std::lock_guard lock(state_mu_);
    return std::unique_ptr<Transaction>(
        std::make_unique<MemoryTransaction>(this, std::move(writer), state_, next_seq_, head_));
  }

  Status AppendAudit(const std::vector<audit::Record>& records) override {
    // Writers serialize so a transaction's seqs (taken at Begin) stay unique.
    std::lock_guard writer(writer_mu_);
    std::lock_guard lock(state_mu_);
    for (const auto& record : records) {
      audit_.push_back(record);
      audit_.back().seq = next_seq_++;
      audit::Chain(head_, &audit_.back());
      head_ = audit_.back().hash;
    }
    return Status::Ok();
  }

  Result<std::vector<audit::Record>> ReadAudit(int64_t after_seq, size_t limit) override {
    std::lock_guard lock(state_mu_);
    auto it = std::upper_bound(audit_.begin(), audit_.end(), after_seq,
                               [](int64_t seq, const audit::Record& r) { return seq < r.seq; });
    size_t count = std::min(limit, static_cast<size_t>(audit_.end() - it));
    return std::vector<audit::Record>(it, it + static_cast<std::ptrdiff_t>(count));
  }

  // Called by a transaction holding writer_mu_.
  void Install(State state, std::vector<audit::Record> audit, int64_t next_seq) {
    std::lock_guard lock(state_mu_);
    if (!audit.empty()) head_ = audit.back().hash;
    state.metadata.version = state_.metadata.version + 1;
    state_ = std::move(state);
    audit_.insert(audit_.end(), std::make_move_iterator(audit.begin()), std::make_move_iterator(audit.end()));
    next_seq_ = next_seq;
  }

 private:
  std::mutex writer_mu_;  // held for the lifetime of a write transaction
  std::mutex state_mu_;   // guards the members below
  State state_;
  std::vector<audit::Record> audit_;  // sorted by seq
  int64_t next_seq_ = 1;
  std::string head_ = audit::kGenesisHash;  // the newest record's hash
};

Status MemoryTransaction::Commit() {
  WEIR_RETURN_IF_ERROR(CheckOpen());
  done_ = true;
  store_->Install(std::move(state_), std::move(audit_), next_seq_);
  writer_.unlock();
  return Status::Ok();
}

}  // namespace

std::unique_ptr<Store> NewMemoryStore() { return std::make_unique<MemoryStore>(); }

}  // namespace weir::store
