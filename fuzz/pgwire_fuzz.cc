// libFuzzer target for the PostgreSQL protocol decoders and the SCRAM
// exchange: the first byte chooses a decoder (startup packet, each frontend
// message, the length checks, or a SCRAM exchange), the rest is its input.
// Malformed input must come back as a Status with a message — never a
// crash, a read past the input, or a success that breaks an invariant.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "iam/scram.h"
#include "pgwire/protocol.h"
#include "pgwire/scram_exchange.h"

namespace {

using weir::Status;
namespace pg = weir::pgwire;

void Check(bool condition) {
  if (!condition) std::abort();
}

// Every error explains itself.
template <typename R>
bool Ok(const R& result) {
  if (!result.ok()) Check(!result.status().message().empty());
  return result.ok();
}

bool Ok(const Status& status) {
  if (!status.ok()) Check(!status.message().empty());
  return status.ok();
}

int32_t ReadInt32(std::string_view s) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4 && i < s.size(); ++i) v = (v << 8) | static_cast<unsigned char>(s[i]);
  return static_cast<int32_t>(v);
}

const weir::iam::ScramVerifier& Verifier() {
  static const weir::iam::ScramVerifier verifier = [] {
    auto v = weir::iam::MakeScramVerifier("secret");
    Check(v.ok());
    return *v;
  }();
  return verifier;
}

// client-first-message, '\n', client-final-message. A fixed server nonce
// lets the fuzzer reach the proof check.
void Scram(std::string_view input, bool mock) {
  size_t newline = input.find('\n');
  std::string_view first = input.substr(0, newline);
  std::string_view final = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  std::optional<weir::iam::ScramVerifier> verifier;
  if (!mock) verifier = Verifier();
  pg::ScramExchange exchange(verifier, "fuzz-seed", "fuzznonce");
  auto server_first = exchange.ClientFirst(first);
  if (!Ok(server_first)) {
    Check(!Ok(exchange.ClientFinal(final)));  // a failed exchange stays failed
    return;
  }
  Check(server_first->rfind("r=", 0) == 0);
  auto server_final = exchange.ClientFinal(final);
  if (Ok(server_final)) {
    Check(!mock);
    Check(server_final->rfind("v=", 0) == 0);
  }
  Check(!Ok(exchange.ClientFinal(final)));  // no third message
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 12) {
    case 0: {
      auto packet = pg::ParseStartupPacket(body);
      if (Ok(packet) && packet->kind == pg::StartupKind::kStartup) {
        Check(packet->protocol >> 16 == 3);
        for (const auto& parameter : packet->parameters) Check(!parameter.first.empty());
      }
      break;
    }
    case 1: {
      auto query = pg::ParseQuery(body);
      if (Ok(query)) {
        // Round trip through the writer.
        std::string out;
        pg::MessageWriter(&out, 'Q').CString(query->sql);
        Check(ReadInt32(std::string_view(out).substr(1)) == static_cast<int32_t>(out.size() - 1));
        auto again = pg::ParseQuery(std::string_view(out).substr(5));
        Check(again.ok() && again->sql == query->sql);
      }
      break;
    }
    case 2: {
      auto parse = pg::ParseParse(body);
      if (Ok(parse)) Check(parse->param_types.size() <= 65535);
      break;
    }
    case 3: {
      auto bind = pg::ParseBind(body);
      if (Ok(bind)) {
        auto formats = pg::ExpandFormats(bind->param_formats, bind->params.size());
        Check(formats.ok() && formats->size() == bind->params.size());
        for (int16_t f : *formats) Check(f == 0 || f == 1);
        for (int16_t f : bind->result_formats) Check(f == 0 || f == 1);
        size_t total = 0;
        for (const auto& p : bind->params) total += p ? p->size() : 0;
        Check(total <= body.size());
        (void)Ok(pg::ExpandFormats(bind->result_formats, body.size() % 7));
      }
      break;
    }
    case 4: {
      auto describe = pg::ParseDescribe(body);
      if (Ok(describe)) Check(describe->kind == 'S' || describe->kind == 'P');
      break;
    }
    case 5: {
      auto execute = pg::ParseExecute(body);
      if (Ok(execute)) Check(execute->max_rows >= 0);
      break;
    }
    case 6: {
      auto close = pg::ParseClose(body);
      if (Ok(close)) Check(close->kind == 'S' || close->kind == 'P');
      break;
    }
    case 7: {
      auto sasl = pg::ParseSaslInitialResponse(body);
      if (Ok(sasl) && sasl->data) Check(sasl->data->size() <= body.size());
      break;
    }
    case 8:
      (void)Ok(pg::ParsePasswordMessage(body));
      break;
    case 9: {
      int32_t length = ReadInt32(body);
      (void)Ok(pg::CheckStartupLength(length));
      (void)Ok(pg::CheckMessageLength(length));
      (void)Ok(pg::CheckMessageLength(length, ReadInt32(body.size() > 4 ? body.substr(4) : std::string_view())));
      break;
    }
    case 10:
      Scram(body, false);
      break;
    case 11:
      Scram(body, true);
      break;
  }
  return 0;
}
