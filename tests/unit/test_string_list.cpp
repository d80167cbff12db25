// StringList and StringListView: the core's one list of strings, packed
// into one text with every item followed by '\0'.
#include <string>
#include <string_view>
#include <vector>

#include "helpers.hpp"
#include "microtrack/json.hpp"
#include "microtrack/string_list.hpp"

using microtrack::json_array;
using microtrack::StringList;
using microtrack::StringListView;
using mt_test::items_of;
using Strings = std::vector<std::string>;

namespace {

constexpr StringListView kLevels{"co\0" "com\0" "7z\0"};  // "\0" "7z": not the escape \07

bool ends_with(std::string_view item, std::string_view value) {
  return value.size() >= item.size() && value.substr(value.size() - item.size()) == item;
}

}  // namespace

TEST_CASE("A list keeps its items in order, empty ones included", "[string_list]") {
  StringList list;
  CHECK(list.empty());
  CHECK(list.size() == 0);
  CHECK(items_of(list).empty());
  list.push_back("utm_source");
  list.push_back("");
  list.push_back("gclid");
  CHECK_FALSE(list.empty());
  CHECK(list.size() == 3);
  CHECK(items_of(list) == Strings{"utm_source", "", "gclid"});
  CHECK(list.view().packed() == std::string_view("utm_source\0\0gclid\0", 18));
  CHECK(list.bytes() == 18);
}

TEST_CASE("pop_front and clear remove items", "[string_list]") {
  StringList list = mt_test::list_of({"a", "bb", "ccc"});
  list.pop_front();
  CHECK(items_of(list) == Strings{"bb", "ccc"});
  list.pop_front();
  list.pop_front();
  CHECK(list.empty());
  list.push_back("d");
  list.clear();
  CHECK(list.empty());
  CHECK(list.size() == 0);
}

TEST_CASE("An item holds no NUL: one is cut there", "[string_list]") {
  StringList list;
  list.push_back(std::string_view("ab\0cd", 5));
  list.push_back("e");
  CHECK(items_of(list) == Strings{"ab", "e"});
}

TEST_CASE("contains matches whole items only", "[string_list]") {
  const StringList ids = mt_test::list_of({"\"id-1\"", "\"id-22\""});
  CHECK(ids.contains("\"id-1\""));
  CHECK(ids.contains("\"id-22\""));
  CHECK_FALSE(ids.contains("\"id-2\""));  // a part of an item is no match
  CHECK_FALSE(ids.contains("id-1"));
  CHECK_FALSE(ids.contains(""));
  CHECK(mt_test::list_of({""}).contains(""));
  CHECK_FALSE(StringList().contains(""));
}

TEST_CASE("any passes each item and the value to the match, item first", "[string_list]") {
  const StringList suffixes = mt_test::list_of({".pdf", ".zip"});
  CHECK(suffixes.view().any("report.zip", ends_with));
  CHECK_FALSE(suffixes.view().any("report.zipx", ends_with));
  CHECK_FALSE(StringListView().any("x", ends_with));
}

TEST_CASE("A built-in list is a constexpr literal in packed form", "[string_list]") {
  CHECK(kLevels.size() == 3);
  CHECK(items_of(kLevels) == Strings{"co", "com", "7z"});
  CHECK(kLevels.contains("7z"));
  CHECK_FALSE(kLevels.contains("c"));
  const StringList defaults{"email\0" "token\0"};
  CHECK(items_of(defaults) == Strings{"email", "token"});
}

TEST_CASE("A copy is independent of its original", "[string_list]") {
  StringList original = mt_test::list_of({"a"});
  StringList copy = original;
  copy.push_back("b");
  CHECK(items_of(original) == Strings{"a"});
  CHECK(items_of(copy) == Strings{"a", "b"});
}

TEST_CASE("json_array joins items that are JSON texts into one array", "[string_list][json]") {
  CHECK(json_array(StringList()) == "[]");
  CHECK(json_array(mt_test::list_of({R"({"a":1})"})) == R"([{"a":1}])");
  MT_PARSE(array, json_array(mt_test::list_of({R"({"level":"warn"})", "\"id\"", "3"})));
  CHECK(array == nlohmann::json::parse(R"([{"level":"warn"},"id",3])"));
}
