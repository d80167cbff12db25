// microtrack::Json: the core's own small JSON reader/writer, checked against
// nlohmann-json as the oracle.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "microtrack/json.hpp"

using microtrack::JsonView;
using nlohmann::json;
using Type = microtrack::JsonView::Type;

namespace {

// Parses text that must be valid. The caller keeps `text` alive.
JsonView parse_ok(std::string_view text) {
  const JsonView v = JsonView::parse(text);
  INFO("input: " << text);
  REQUIRE(v.valid());
  REQUIRE(v.type() != Type::Invalid);
  return v;
}

microtrack::String number_text(double value) {
  microtrack::String out;
  microtrack::append_json_number(out, value);
  return out;
}

microtrack::String string_text(std::string_view value) {
  microtrack::String out;
  microtrack::append_json_string(out, value);
  return out;
}

std::string nested_arrays(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

struct Child {
  microtrack::String key;
  std::string raw;
};

std::vector<Child> children_of(const JsonView& v) {
  std::vector<Child> out;
  for (auto c = v.children(); c.next();) out.push_back({c.key(), std::string(c.value().raw())});
  return out;
}

}  // namespace

TEST_CASE("Parsing a scalar gives a view of that type", "[json]") {
  SECTION("null") {
    const JsonView v = parse_ok("null");
    CHECK(v.is_null());
    CHECK(v.type() == Type::Null);
  }
  SECTION("true and false") {
    const JsonView t = parse_ok("true");
    const JsonView f = parse_ok("false");
    REQUIRE(t.is_bool());
    REQUIRE(f.is_bool());
    CHECK(t.as_bool());
    CHECK_FALSE(f.as_bool());
  }
  SECTION("an integer") {
    const JsonView v = parse_ok("1700000000000");
    REQUIRE(v.is_number());
    CHECK(v.as_number() == 1700000000000.0);
  }
  SECTION("a negative fraction with an exponent") {
    const JsonView v = parse_ok("-2.5e-3");
    REQUIRE(v.is_number());
    CHECK(v.as_number() == Approx(-0.0025).epsilon(1e-15));
  }
  SECTION("numbers are read to within 1e-15 relative") {
    for (const char* text : {"0.1", "123456.789", "1e-7", "6.02214076e23", "-9007199254740991"}) {
      INFO(text);
      const JsonView v = parse_ok(text);
      CHECK(v.as_number() == Approx(std::stod(text)).epsilon(1e-15));
    }
  }
  SECTION("numbers with many digits too: past the 19th they are not read (fuzz finding)") {
    // 400 digits of a third read as inf (the digits overflowed the double),
    // and 77 digits were 1.08e-15 off.
    const std::string third = "0." + std::string(400, '3');
    const std::string long_integer =
        "6666666676000000000000000000000000000000000000000000000012297829382473034407";
    const std::string long_both = std::string(60, '1') + ".5" + std::string(300, '9') + "e-10";
    for (const std::string& text : {third, long_integer, long_both}) {
      INFO(text);
      const JsonView v = parse_ok(text);
      CHECK(v.as_number() == Approx(std::stod(text)).epsilon(1e-15));
    }
  }
  SECTION("a string") {
    const JsonView v = parse_ok(R"("hero_seen")");
    REQUIRE(v.is_string());
    CHECK(v.as_string() == "hero_seen");
  }
  SECTION("whitespace around the value is allowed") {
    const JsonView v = parse_ok(" \t\r\n 42 \n");
    CHECK(v.as_number() == 42);
  }
}

TEST_CASE("Accessors of another type give their neutral value", "[json]") {
  const std::string text = R"({"s":"x","n":5,"b":true})";
  const JsonView v = parse_ok(text);
  CHECK(v.find("s").as_number() == 0);
  CHECK(v.find("n").as_string() == "");
  CHECK_FALSE(v.find("s").as_bool());
  CHECK(v.as_string() == "");
}

TEST_CASE("as_string decodes string escapes into UTF-8", "[json]") {
  SECTION("the short escapes") {
    const JsonView v = parse_ok(R"("q\"b\\s\/n\nt\tr\rb\bf\f")");
    CHECK(v.as_string() == "q\"b\\s/n\nt\tr\rb\bf\f");
  }
  SECTION("a \\u escape in the BMP") {
    const JsonView v = parse_ok(R"("caf\u00e9 \u20ac")");
    CHECK(v.as_string() == "caf\xC3\xA9 \xE2\x82\xAC");
  }
  SECTION("a surrogate pair") {
    const JsonView v = parse_ok(R"("\ud83d\ude00")");
    CHECK(v.as_string() == "\xF0\x9F\x98\x80");
  }
  SECTION("raw UTF-8 passes through") {
    const JsonView v = parse_ok("\"Z\xC3\xBCrich \xF0\x9F\x98\x80\"");
    CHECK(v.as_string() == "Z\xC3\xBCrich \xF0\x9F\x98\x80");
  }
}

TEST_CASE("An object's members are found by key and walked in source order", "[json]") {
  const std::string text = R"( { "b" : 1 , "a" : [ true , null , "x" ] , "c" : { } } )";
  const JsonView v = parse_ok(text);
  REQUIRE(v.is_object());
  CHECK(v.size() == 3);

  SECTION("children() gives keys and raw values in order") {
    const auto kids = children_of(v);
    REQUIRE(kids.size() == 3);
    CHECK(kids[0].key == "b");
    CHECK(kids[0].raw == "1");
    CHECK(kids[1].key == "a");
    CHECK(kids[1].raw == R"([ true , null , "x" ])");
    CHECK(kids[2].key == "c");
    CHECK(kids[2].raw == "{ }");
  }
  SECTION("find() reaches nested values") {
    const JsonView a = v.find("a");
    REQUIRE(a.is_array());
    CHECK(a.size() == 3);
    const auto items = children_of(a);
    REQUIRE(items.size() == 3);
    CHECK(items[0].key.empty());
    CHECK(items[0].raw == "true");
    CHECK(items[1].raw == "null");
    CHECK(items[2].raw == "\"x\"");
    const JsonView c = v.find("c");
    CHECK(c.is_object());
    CHECK(c.size() == 0);
    CHECK(children_of(c).empty());
  }
  SECTION("find() on an absent key gives an invalid view") {
    const JsonView z = v.find("zzz");
    CHECK_FALSE(z.valid());
    CHECK(z.type() == Type::Invalid);
  }
  SECTION("find() on something that is not an object gives an invalid view") {
    CHECK_FALSE(v.find("a").find("x").valid());
    CHECK_FALSE(v.find("b").find("x").valid());
    CHECK_FALSE(JsonView().find("x").valid());
  }
}

TEST_CASE("A repeated key resolves to its last value, as JSON.parse does", "[json]") {
  const std::string text = R"({"a":1,"b":2,"a":3})";
  const JsonView v = parse_ok(text);
  CHECK(v.find("a").as_number() == 3);
}

TEST_CASE("Keys are compared after unescaping", "[json]") {
  const std::string text = R"({"caf\u00e9":1,"a\"b":2})";
  const JsonView v = parse_ok(text);
  CHECK(v.find("caf\xC3\xA9").as_number() == 1);
  CHECK(v.find("a\"b").as_number() == 2);
  const auto kids = children_of(v);
  REQUIRE(kids.size() == 2);
  CHECK(kids[0].key == "caf\xC3\xA9");
  CHECK(kids[1].key == "a\"b");
}

TEST_CASE("raw() is the value's exact source text", "[json]") {
  SECTION("numbers keep their spelling") {
    const std::string text = R"([1.50,1e3,-0.0,12345678901234567890])";
    const auto items = children_of(parse_ok(text));
    REQUIRE(items.size() == 4);
    CHECK(items[0].raw == "1.50");
    CHECK(items[1].raw == "1e3");
    CHECK(items[2].raw == "-0.0");
    CHECK(items[3].raw == "12345678901234567890");
  }
  SECTION("an object passed on unchanged is the same document") {
    const std::string text =
        R"({"props":{"percent":50,"ok":true,"none":null,"list":[1,"two",{"three":3}],)"
        R"("s":"a\"b\\c\nd\u0001e"}})";
    const JsonView props = parse_ok(text).find("props");
    MT_PARSE(written, std::string(props.raw()));
    CHECK(written == json::parse(text)["props"]);
  }
  SECTION("the top-level value without the whitespace around it") {
    const std::string text = "  {\"a\": [1, 2]}\n";
    CHECK(parse_ok(text).raw() == "{\"a\": [1, 2]}");
  }
}

TEST_CASE("Parsing invalid JSON gives an invalid view", "[json]") {
  const std::vector<std::string> invalid{
      "",            // nothing
      "   ",         // only whitespace
      "{",           // unterminated object
      "[1,]",        // trailing comma
      "{\"a\":1,}",  // trailing comma in an object
      "{\"a\":}",    // missing value
      "{a:1}",       // unquoted key
      "'a'",         // single quotes
      "01",          // leading zero
      "1.",          // fraction without digits
      "-",           // sign alone
      "1e",          // exponent without digits
      ".5",          // no integer part
      "+1",          // plus sign
      "nul",         // truncated literal
      "NaN",         // not JSON
      "[1] x",       // trailing garbage
      "[1 2]",       // missing comma
      "{\"a\":1}{",  // two values
      "\"abc",       // unterminated string
      "\"a\x01b\"",  // raw control character in a string
      "\"\\x41\"",   // invalid escape
      "\"\\u12\"",   // short \u escape
      "{\"a\" 1}",   // missing colon
  };
  for (const auto& text : invalid) {
    INFO("input: \"" << text << "\"");
    const JsonView v = JsonView::parse(text);
    CHECK_FALSE(v.valid());
    CHECK(v.type() == Type::Invalid);
  }
}

TEST_CASE("Parsing accepts nesting 64 deep and refuses 65", "[json]") {
  SECTION("64 nested arrays parse") {
    const std::string text = nested_arrays(64);
    const JsonView v = JsonView::parse(text);
    CHECK(v.valid());
    CHECK(v.is_array());
  }
  SECTION("65 nested arrays are refused") {
    const std::string text = nested_arrays(65);
    CHECK_FALSE(JsonView::parse(text).valid());
  }
  SECTION("a very deep document is refused without crashing") {
    const std::string text = nested_arrays(100000);
    CHECK_FALSE(JsonView::parse(text).valid());
  }
}

TEST_CASE("append_json_string escapes what JSON requires and keeps UTF-8", "[json]") {
  SECTION("quotes, backslashes and control characters are escaped") {
    const std::string raw = std::string("say \"hi\" \\ ok\n\t\r") + '\x01' + '\x1f' + "end";
    const microtrack::String out = string_text(raw);
    MT_PARSE(parsed, out);
    REQUIRE(parsed.is_string());
    CHECK(parsed.get<std::string>() == raw);
    for (char c : out) {
      CHECK(static_cast<unsigned char>(c) >= 0x20);
    }
  }
  SECTION("UTF-8 is written unchanged, not as \\u escapes") {
    const std::string raw = "Z\xC3\xBCrich \xE2\x82\xAC \xF0\x9F\x98\x80";
    const microtrack::String out = string_text(raw);
    CHECK(out == "\"" + raw + "\"");
  }
  SECTION("escapes first, last and in a row, between runs of plain text") {
    CHECK(string_text("\"a\\\\b\n") == R"("\"a\\\\b\n")");
    CHECK(string_text("") == R"("")");
  }
  SECTION("it appends rather than overwrites") {
    microtrack::String out = "[";
    microtrack::append_json_string(out, "a");
    CHECK(out == "[\"a\"");
  }
}

TEST_CASE("append_json_number writes integers like JSON.stringify", "[json]") {
  CHECK(number_text(0) == "0");
  CHECK(number_text(50) == "50");
  CHECK(number_text(-7) == "-7");
  CHECK(number_text(1280) == "1280");
  CHECK(number_text(1'700'000'000'000.0) == "1700000000000");
  CHECK(number_text(9007199254740991.0) == "9007199254740991");
}

TEST_CASE("append_json_number keeps the value of integers too large for 64 bits", "[json]") {
  // JSON.stringify(1e20) === "100000000000000000000"; JSON.stringify(1e300) === "1e+300".
  for (double value : {1e19, 1e20, -1e20, 1e21, 1e300}) {
    const microtrack::String out = number_text(value);
    INFO(value << " written as " << out);
    MT_PARSE(parsed, out);
    REQUIRE(parsed.is_number());
    CHECK(parsed.get<double>() == Approx(value));
  }
}

TEST_CASE("append_json_number rounds other values to at most 3 decimals", "[json]") {
  CHECK(number_text(2.5) == "2.5");
  CHECK(number_text(3.14159) == "3.142");
  CHECK(number_text(-0.25) == "-0.25");
  CHECK(number_text(12.0004) == "12");
  CHECK(number_text(0.1 + 0.2) == "0.3");
  SECTION("the text is a JSON number with the right value") {
    const microtrack::String out = number_text(1234.5678);
    MT_PARSE(parsed, out);
    REQUIRE(parsed.is_number());
    CHECK(parsed.get<double>() == Approx(1234.568));
  }
}

TEST_CASE("append_json_number writes null for NaN and infinities", "[json]") {
  CHECK(number_text(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(number_text(std::numeric_limits<double>::infinity()) == "null");
  CHECK(number_text(-std::numeric_limits<double>::infinity()) == "null");
}
