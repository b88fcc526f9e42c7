#include "pgwire/protocol.h"

#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace weir::pgwire {
namespace {

// Builds frontend message bodies byte by byte.
class Body {
 public:
  Body& I16(int16_t v) {
    auto u = static_cast<uint16_t>(v);
    bytes_.push_back(static_cast<char>(u >> 8));
    bytes_.push_back(static_cast<char>(u));
    return *this;
  }
  Body& I32(int32_t v) {
    auto u = static_cast<uint32_t>(v);
    for (int shift = 24; shift >= 0; shift -= 8) bytes_.push_back(static_cast<char>(u >> shift));
    return *this;
  }
  Body& Str(std::string_view s) {
    bytes_.append(s);
    bytes_.push_back('\0');
    return *this;
  }
  Body& Raw(std::string_view s) {
    bytes_.append(s);
    return *this;
  }
  const std::string& str() const { return bytes_; }

 private:
  std::string bytes_;
};

// A string literal's bytes, embedded NULs included.
template <size_t N>
std::string Bytes(const char (&literal)[N]) {
  return std::string(literal, N - 1);
}

int32_t ReadI32(const std::string& s, size_t pos) {
  return static_cast<int32_t>((static_cast<uint32_t>(static_cast<unsigned char>(s[pos])) << 24) |
                              (static_cast<uint32_t>(static_cast<unsigned char>(s[pos + 1])) << 16) |
                              (static_cast<uint32_t>(static_cast<unsigned char>(s[pos + 2])) << 8) |
                              static_cast<uint32_t>(static_cast<unsigned char>(s[pos + 3])));
}

// --- Startup -----------------------------------------------------------------------

TEST(PgProtocolStartup, ParsesParametersInOrder) {
  std::string body = Body().I32(kProtocolVersion3).Str("user").Str("alice").Str("database").Str("shop").Str("").str();
  auto packet = ParseStartupPacket(body);
  ASSERT_TRUE(packet.ok()) << packet.status().ToString();
  EXPECT_EQ(packet->kind, StartupKind::kStartup);
  EXPECT_EQ(packet->protocol, 196608);
  ASSERT_EQ(packet->parameters.size(), 2u);
  EXPECT_EQ(packet->parameters[0], (std::pair<std::string, std::string>("user", "alice")));
  EXPECT_EQ(packet->parameters[1], (std::pair<std::string, std::string>("database", "shop")));
}

TEST(PgProtocolStartup, AcceptsMinorVersionsAndEmptyValues) {
  std::string body = Body().I32(kProtocolVersion3 | 2).Str("options").Str("").Str("").str();
  auto packet = ParseStartupPacket(body);
  ASSERT_TRUE(packet.ok()) << packet.status().ToString();
  EXPECT_EQ(packet->protocol, (3 << 16) | 2);
  ASSERT_EQ(packet->parameters.size(), 1u);
  EXPECT_EQ(packet->parameters[0].second, "");
}

TEST(PgProtocolStartup, RecognizesSslGssAndCancelRequests) {
  auto ssl = ParseStartupPacket(Body().I32(kSslRequestCode).str());
  ASSERT_TRUE(ssl.ok());
  EXPECT_EQ(ssl->kind, StartupKind::kSslRequest);
  auto gss = ParseStartupPacket(Body().I32(kGssEncRequestCode).str());
  ASSERT_TRUE(gss.ok());
  EXPECT_EQ(gss->kind, StartupKind::kGssEncRequest);
  auto cancel = ParseStartupPacket(Body().I32(kCancelRequestCode).I32(1234).I32(-5).str());
  ASSERT_TRUE(cancel.ok());
  EXPECT_EQ(cancel->kind, StartupKind::kCancel);
  EXPECT_EQ(cancel->cancel_pid, 1234);
  EXPECT_EQ(cancel->cancel_secret, -5);
}

TEST(PgProtocolStartup, RefusesOtherMajorVersions) {
  auto v2 = ParseStartupPacket(Body().I32(2 << 16).Str("").str());
  ASSERT_FALSE(v2.ok());
  EXPECT_EQ(v2.status().code(), StatusCode::kFeatureNotSupported);
  EXPECT_NE(v2.status().message().find("2.0"), std::string::npos);
  EXPECT_EQ(ParseStartupPacket(Body().I32(4 << 16).Str("").str()).status().code(), StatusCode::kFeatureNotSupported);
}

TEST(PgProtocolStartup, RejectsMalformedPackets) {
  struct Case {
    const char* what;
    std::string body;
  };
  const Case cases[] = {
      {"empty", ""},
      {"short version", Bytes("\0\3")},
      {"missing final terminator", Body().I32(kProtocolVersion3).Str("user").Str("alice").str()},
      {"name without value", Body().I32(kProtocolVersion3).Str("user").str()},
      {"unterminated name", Body().I32(kProtocolVersion3).Raw("user").str()},
      {"unterminated value", Body().I32(kProtocolVersion3).Str("user").Raw("ali").str()},
      {"bytes after terminator", Body().I32(kProtocolVersion3).Str("user").Str("a").Str("").Raw("x").str()},
      {"ssl request with payload", Body().I32(kSslRequestCode).I32(0).str()},
      {"truncated cancel", Body().I32(kCancelRequestCode).I32(1).str()},
      {"cancel with extra", Body().I32(kCancelRequestCode).I32(1).I32(2).I32(3).str()},
  };
  for (const auto& c : cases) {
    auto r = ParseStartupPacket(c.body);
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.what;
  }
}

TEST(PgProtocolStartup, ChecksLengths) {
  struct Case {
    int32_t length;
    bool ok;
  };
  for (const auto& c : {Case{7, false}, Case{8, true}, Case{10000, true}, Case{10001, false}, Case{-1, false}}) {
    EXPECT_EQ(CheckStartupLength(c.length).ok(), c.ok) << c.length;
  }
  for (const auto& c : {Case{3, false}, Case{4, true}, Case{kMaxMessageLength + 4, true},
                        Case{kMaxMessageLength + 5, false}, Case{std::numeric_limits<int32_t>::min(), false}}) {
    EXPECT_EQ(CheckMessageLength(c.length).ok(), c.ok) << c.length;
  }
  EXPECT_TRUE(CheckMessageLength(14, 10).ok());
  EXPECT_FALSE(CheckMessageLength(15, 10).ok());
}

// --- Frontend messages -----------------------------------------------------------------

TEST(PgProtocolQuery, ParsesTheQueryString) {
  auto q = ParseQuery(Body().Str("SELECT 1").str());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->sql, "SELECT 1");
  EXPECT_FALSE(ParseQuery("SELECT 1").ok());                             // unterminated
  EXPECT_FALSE(ParseQuery(Body().Str("SELECT 1").Raw("x").str()).ok());  // trailing bytes
}

TEST(PgProtocolParse, ParsesNameSqlAndParameterTypes) {
  auto p = ParseParse(Body().Str("s1").Str("SELECT $1, $2").I16(2).I32(23).I32(-1).str());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->statement, "s1");
  EXPECT_EQ(p->sql, "SELECT $1, $2");
  EXPECT_EQ(p->param_types, (std::vector<uint32_t>{23, 0xFFFFFFFFu}));

  EXPECT_FALSE(ParseParse(Body().Str("").Str("x").I16(-1).str()).ok());  // 65535 types, none sent
  EXPECT_FALSE(ParseParse(Body().Str("").Str("x").I16(2).I32(23).str()).ok());
  EXPECT_FALSE(ParseParse(Body().Str("").Str("x").I16(0).Raw("z").str()).ok());
}

TEST(PgProtocolBind, ParsesFormatsParametersAndNulls) {
  std::string body =
      Body().Str("portal").Str("stmt").I16(2).I16(0).I16(1).I16(2).I32(3).Raw("abc").I32(-1).I16(1).I16(1).str();
  auto b = ParseBind(body);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->portal, "portal");
  EXPECT_EQ(b->statement, "stmt");
  EXPECT_EQ(b->param_formats, (std::vector<int16_t>{0, 1}));
  ASSERT_EQ(b->params.size(), 2u);
  EXPECT_EQ(b->params[0], std::optional<std::string>("abc"));
  EXPECT_EQ(b->params[1], std::nullopt);
  EXPECT_EQ(b->result_formats, (std::vector<int16_t>{1}));
}

TEST(PgProtocolBind, CountsAreUnsignedAsInPostgres) {
  Body body;
  body.Str("").Str("").I16(1).I16(1).I16(static_cast<int16_t>(40000));
  for (int i = 0; i < 40000; ++i) body.I32(-1);
  body.I16(0);
  auto b = ParseBind(body.str());
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->params.size(), 40000u);

  std::string out;
  WriteParameterDescription(&out, std::vector<uint32_t>(40000, 23));
  EXPECT_EQ(out.substr(5, 2), Bytes("\x9c\x40"));  // 40000
  EXPECT_EQ(out.size(), 7u + 40000u * 4u);
}

TEST(PgProtocolBind, AcceptsEmptyParametersWithZeroLength) {
  auto b = ParseBind(Body().Str("").Str("").I16(0).I16(1).I32(0).I16(0).str());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->params[0], std::optional<std::string>(""));
}

TEST(PgProtocolBind, RejectsMalformedMessages) {
  struct Case {
    const char* what;
    std::string body;
    const char* message;  // expected substring
  };
  const Case cases[] = {
      {"65535 formats, none sent", Body().Str("").Str("").I16(-1).str(), "truncated"},
      {"format code 2", Body().Str("").Str("").I16(1).I16(2).I16(0).I16(0).str(), "not 0 or 1"},
      {"format count mismatch", Body().Str("").Str("").I16(2).I16(0).I16(0).I16(3).str(), "3 parameters"},
      {"parameter exceeds the message", Body().Str("").Str("").I16(0).I16(2).I32(1).Raw("a").I32(1000).Raw("xy").str(),
       "parameter 2 length 1000 exceeds the message"},
      {"length -2", Body().Str("").Str("").I16(0).I16(1).I32(-2).I16(0).str(), "invalid"},
      {"65533 parameters, none sent", Body().Str("").Str("").I16(0).I16(-3).str(), "truncated"},
      {"missing result formats", Body().Str("").Str("").I16(0).I16(0).str(), "truncated"},
      {"bad result format", Body().Str("").Str("").I16(0).I16(0).I16(1).I16(7).str(), "not 0 or 1"},
      {"trailing bytes", Body().Str("").Str("").I16(0).I16(0).I16(0).Raw("!").str(), "unexpected bytes"},
      {"unterminated portal", Body().Raw("portal").str(), "not terminated"},
  };
  for (const auto& c : cases) {
    auto r = ParseBind(c.body);
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << c.what;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << c.what << ": " << r.status().message();
    EXPECT_EQ(r.status().message().rfind("Bind message", 0), 0u) << r.status().message();
  }
}

TEST(PgProtocolBind, EveryTruncationFailsCleanly) {
  std::string body = Body().Str("p").Str("s").I16(1).I16(1).I16(2).I32(4).I32(7).I32(-1).I16(1).I16(0).str();
  ASSERT_TRUE(ParseBind(body).ok());
  for (size_t n = 0; n < body.size(); ++n) {
    EXPECT_FALSE(ParseBind(std::string_view(body).substr(0, n)).ok()) << n;
  }
}

TEST(PgProtocolDescribeClose, ParseKindAndName) {
  for (char kind : {'S', 'P'}) {
    auto d = ParseDescribe(Body().Raw(std::string(1, kind)).Str("name").str());
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->kind, kind);
    EXPECT_EQ(d->name, "name");
    auto c = ParseClose(Body().Raw(std::string(1, kind)).Str("").str());
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->kind, kind);
    EXPECT_EQ(c->name, "");
  }
  for (const std::string& bad : {std::string(""), Body().Raw("X").Str("n").str(), Body().Raw("S").Raw("n").str(),
                                 Body().Raw("S").Str("n").Raw("junk").str()}) {
    EXPECT_EQ(ParseDescribe(bad).status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(ParseClose(bad).status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(PgProtocolExecute, ParsesPortalAndLimit) {
  auto e = ParseExecute(Body().Str("p").I32(100).str());
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->portal, "p");
  EXPECT_EQ(e->max_rows, 100);
  auto negative = ParseExecute(Body().Str("").I32(-5).str());
  ASSERT_TRUE(negative.ok());
  EXPECT_EQ(negative->max_rows, 0);  // PostgreSQL: any limit <= 0 means all rows
  EXPECT_FALSE(ParseExecute(Body().Str("").I16(1).str()).ok());
  EXPECT_FALSE(ParseExecute(Body().Str("").I32(1).Raw("x").str()).ok());
}

TEST(PgProtocolSasl, ParsesInitialResponse) {
  auto r = ParseSaslInitialResponse(Body().Str("SCRAM-SHA-256").I32(5).Raw("n,,x=").str());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->mechanism, "SCRAM-SHA-256");
  EXPECT_EQ(r->data, std::optional<std::string>("n,,x="));
  auto none = ParseSaslInitialResponse(Body().Str("SCRAM-SHA-256").I32(-1).str());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->data, std::nullopt);
  EXPECT_FALSE(ParseSaslInitialResponse(Body().Str("M").I32(10).Raw("short").str()).ok());
  EXPECT_FALSE(ParseSaslInitialResponse(Body().Str("M").I32(-2).str()).ok());
  EXPECT_FALSE(ParseSaslInitialResponse(Body().Str("M").I32(1).Raw("ab").str()).ok());
  EXPECT_FALSE(ParseSaslInitialResponse(Body().Raw("M").str()).ok());
}

TEST(PgProtocolPassword, ParsesOneString) {
  auto p = ParsePasswordMessage(Body().Str("secret").str());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, "secret");
  EXPECT_FALSE(ParsePasswordMessage("secret").ok());
  EXPECT_FALSE(ParsePasswordMessage(Body().Str("a").Str("b").str()).ok());
}

TEST(PgProtocolFormats, ExpandFormats) {
  struct Case {
    std::vector<int16_t> codes;
    size_t count;
    bool ok;
    std::vector<int16_t> want;
  };
  const Case cases[] = {
      {{}, 3, true, {0, 0, 0}}, {{1}, 2, true, {1, 1}}, {{0, 1}, 2, true, {0, 1}},
      {{0, 1}, 3, false, {}},   {{1}, 0, true, {}},     {{}, 0, true, {}},
  };
  for (const auto& c : cases) {
    auto r = ExpandFormats(c.codes, c.count);
    ASSERT_EQ(r.ok(), c.ok);
    if (c.ok) {
      EXPECT_EQ(*r, c.want);
    }
  }
}

// Random inputs never crash a decoder (the fuzzer goes much further).
TEST(PgProtocolRobustness, RandomBytesNeverCrash) {
  std::mt19937 rng(42);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() % 4 == 0 ? 0 : rng());
    (void)ParseStartupPacket(bytes);
    (void)ParseQuery(bytes);
    (void)ParseParse(bytes);
    (void)ParseBind(bytes);
    (void)ParseDescribe(bytes);
    (void)ParseExecute(bytes);
    (void)ParseClose(bytes);
    (void)ParseSaslInitialResponse(bytes);
    (void)ParsePasswordMessage(bytes);
  }
}

// --- Backend messages ------------------------------------------------------------------

TEST(PgProtocolWriter, FillsInTheLength) {
  std::string out = "prefix";
  {
    MessageWriter w(&out, 'X');
    w.Int8(1).Int16(0x0203).Int32(0x04050607).Bytes("ab").CString("c");
  }
  EXPECT_EQ(out, Bytes("prefixX\0\0\0\x0f\x01\x02\x03\x04\x05\x06\x07"
                       "abc\0"));
}

TEST(PgProtocolWriter, CStringDropsEmbeddedNuls) {
  std::string out;
  MessageWriter(&out, 'C').CString(Bytes("a\0b"));
  EXPECT_EQ(out, Bytes("C\0\0\0\7ab\0"));
}

TEST(PgProtocolWriter, SimpleMessagesHaveTheDocumentedBytes) {
  struct Case {
    const char* what;
    void (*write)(std::string*);
    std::string want;
  };
  const Case cases[] = {
      {"AuthenticationOk", WriteAuthenticationOk, Bytes("R\0\0\0\x08\0\0\0\0")},
      {"AuthenticationCleartextPassword", WriteAuthenticationCleartextPassword, Bytes("R\0\0\0\x08\0\0\0\x03")},
      {"EmptyQueryResponse", WriteEmptyQueryResponse, Bytes("I\0\0\0\x04")},
      {"ParseComplete", WriteParseComplete, Bytes("1\0\0\0\x04")},
      {"BindComplete", WriteBindComplete, Bytes("2\0\0\0\x04")},
      {"CloseComplete", WriteCloseComplete, Bytes("3\0\0\0\x04")},
      {"NoData", WriteNoData, Bytes("n\0\0\0\x04")},
      {"PortalSuspended", WritePortalSuspended, Bytes("s\0\0\0\x04")},
      {"CopyDone", WriteCopyDone, Bytes("c\0\0\0\x04")},
  };
  for (const auto& c : cases) {
    std::string out;
    c.write(&out);
    EXPECT_EQ(out, c.want) << c.what;
  }
}

TEST(PgProtocolWriter, AuthenticationAndStatusMessages) {
  std::string out;
  WriteAuthenticationSasl(&out, {"SCRAM-SHA-256"});
  EXPECT_EQ(out, Bytes("R\0\0\0\x17\0\0\0\x0aSCRAM-SHA-256\0\0"));
  out.clear();
  WriteAuthenticationSaslContinue(&out, "r=abc");
  EXPECT_EQ(out, Bytes("R\0\0\0\x0d\0\0\0\x0br=abc"));
  out.clear();
  WriteAuthenticationSaslFinal(&out, "v=x");
  EXPECT_EQ(out, Bytes("R\0\0\0\x0b\0\0\0\x0cv=x"));
  out.clear();
  WriteParameterStatus(&out, "TimeZone", "UTC");
  EXPECT_EQ(out, Bytes("S\0\0\0\x11TimeZone\0UTC\0"));
  out.clear();
  WriteBackendKeyData(&out, 7, -1);
  EXPECT_EQ(out, Bytes("K\0\0\0\x0c\0\0\0\x07\xff\xff\xff\xff"));
  out.clear();
  WriteReadyForQuery(&out, 'I');
  EXPECT_EQ(out, Bytes("Z\0\0\0\x05I"));
  out.clear();
  WriteCommandComplete(&out, "SELECT 3");
  EXPECT_EQ(out, Bytes("C\0\0\0\x0dSELECT 3\0"));
  out.clear();
  WriteCopyData(&out, "a\tb\n");
  EXPECT_EQ(out, Bytes("d\0\0\0\x08"
                       "a\tb\n"));
}

TEST(PgProtocolWriter, ErrorResponseFields) {
  ErrorFields f = ErrorFieldsFor(Status::PermissionDenied("permission denied for table t"));
  EXPECT_EQ(f.severity, "ERROR");
  EXPECT_EQ(f.sqlstate, "42501");
  f.detail = "d";
  f.hint = "h";
  f.position = 12;
  std::string out;
  WriteErrorResponse(&out, f);
  std::string body = Bytes("SERROR\0VERROR\0C42501\0Mpermission denied for table t\0Dd\0Hh\0P12\0\0");
  EXPECT_EQ(out, std::string("E") + Bytes("\0\0\0") + static_cast<char>(body.size() + 4) + body);

  out.clear();
  WriteNoticeResponse(&out, ErrorFieldsFor(Status::Ok(), "NOTICE"));
  EXPECT_EQ(out[0], 'N');
  EXPECT_NE(out.find(Bytes("SNOTICE\0")), std::string::npos);
  EXPECT_NE(out.find(Bytes("C00000\0")), std::string::npos);
  EXPECT_EQ(ReadI32(out, 1), static_cast<int32_t>(out.size() - 1));
}

TEST(PgProtocolWriter, RowAndParameterDescriptions) {
  std::string out;
  WriteRowDescription(&out,
                      {FieldDescription{"id", 0, 0, 23, 4, -1, 0}, FieldDescription{"n", 5, 2, 1700, -1, 655366, 1}});
  std::string want = Bytes("T") + Bytes("\0\0\0\x2f") + Bytes("\0\x02") + Bytes("id\0") +
                     Bytes("\0\0\0\0\0\0\0\0\0\x17\0\x04\xff\xff\xff\xff\0\0") + Bytes("n\0") +
                     Bytes("\0\0\0\x05\0\x02\0\0\x06\xa4\xff\xff\0\x0a\0\x06\0\x01");
  EXPECT_EQ(out, want);

  out.clear();
  WriteParameterDescription(&out, {23, 25});
  EXPECT_EQ(out, Bytes("t\0\0\0\x0e\0\x02\0\0\0\x17\0\0\0\x19"));

  out.clear();
  WriteCopyOutResponse(&out, 1, {1, 1});
  EXPECT_EQ(out, Bytes("H\0\0\0\x0b\x01\0\x02\0\x01\0\x01"));
}

}  // namespace
}  // namespace weir::pgwire
