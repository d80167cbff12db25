// FormTracker (CONTRACT §3 form_start, form_submit, form_abandon): a form
// starts with its first real edit, is submitted, or is abandoned when the page
// is hidden or left. Field names are counted, values never reach the core.
#include <set>
#include <string>

#include "helpers.hpp"
#include "microtrack/forms.hpp"

using microtrack::AbandonedForms;
using microtrack::FormState;
using microtrack::FormTracker;

namespace {

const double t0 = 1'700'000'000'000;
constexpr int kSignup = 1;   // <form id="signup" name="newsletter">
constexpr int kComment = 2;  // <form id="comment" name="">

const FormState* edit(FormTracker& f, const char* field, double now_ms, int key = kSignup) {
  return key == kSignup ? f.on_edit(kSignup, "signup", "newsletter", field, now_ms)
                        : f.on_edit(key, "comment", "", field, now_ms);
}

std::set<int> keys(const AbandonedForms& forms) {
  std::set<int> out;
  for (const FormState* f : forms) out.insert(f->key);
  return out;
}

}  // namespace

TEST_CASE("form_start comes from the first edit of a form only", "[forms]") {
  FormTracker f;
  const FormState* started = edit(f, "email", t0 + 1'000);
  REQUIRE(started != nullptr);
  CHECK(started->key == kSignup);
  CHECK(started->id == "signup");
  CHECK(started->name == "newsletter");
  CHECK(started->last_field == "email");
  CHECK(started->started_ms == t0 + 1'000);
  CHECK(started->fields.size() == 1);
  CHECK_FALSE(started->submitted);
  CHECK_FALSE(started->abandoned);
  SECTION("a second edit of the same field starts nothing") { CHECK(edit(f, "email", t0 + 1'200) == nullptr); }
  SECTION("an edit of another field starts nothing") { CHECK(edit(f, "first_name", t0 + 2'000) == nullptr); }
  SECTION("the first edit of another form starts that form") {
    const FormState* other = edit(f, "body", t0 + 3'000, kComment);
    REQUIRE(other != nullptr);
    CHECK(other->key == kComment);
    CHECK(other->id == "comment");
    CHECK(other->started_ms == t0 + 3'000);
  }
}

TEST_CASE("Distinct fields are counted, the same field twice counts once", "[forms]") {
  FormTracker f;
  const FormState* form = edit(f, "email", t0);
  REQUIRE(form != nullptr);
  edit(f, "email", t0 + 100);
  edit(f, "first_name", t0 + 200);
  edit(f, "email", t0 + 300);
  CHECK(form->fields.size() == 2);
  SECTION("last_field is the field edited last, repeated or not") { CHECK(form->last_field == "email"); }
  SECTION("a third field makes three") {
    edit(f, "company", t0 + 400);
    CHECK(form->fields.size() == 3);
    CHECK(form->last_field == "company");
  }
  SECTION("field names are case sensitive, as the DOM's are") {
    edit(f, "Email", t0 + 400);
    CHECK(form->fields.size() == 3);
  }
}

TEST_CASE("A password field is never named", "[forms]") {
  FormTracker f;
  // The adapter passes "" for a password field (and for a field with no name).
  const FormState* form = edit(f, "", t0);
  REQUIRE(form != nullptr);
  CHECK(form->last_field == "");
  SECTION("it still counts as a filled field") { CHECK(form->fields.size() == 1); }
  SECTION("a named field after it is named") {
    edit(f, "username", t0 + 100);
    CHECK(form->last_field == "username");
    CHECK(form->fields.size() == 2);
  }
  SECTION("returning to it clears last_field again") {
    edit(f, "username", t0 + 100);
    edit(f, "", t0 + 200);
    CHECK(form->last_field == "");
    CHECK(form->fields.size() == 2);
  }
}

TEST_CASE("A submit is reported with what was filled", "[forms]") {
  FormTracker f;
  SECTION("after edits, with the start time of the first edit") {
    edit(f, "email", t0 + 1'000);
    edit(f, "first_name", t0 + 4'000);
    const FormState* submitted = f.on_submit(kSignup, "signup", "newsletter", t0 + 9'500);
    REQUIRE(submitted != nullptr);
    CHECK(submitted->submitted);
    CHECK(submitted->fields.size() == 2);
    CHECK(submitted->started_ms == t0 + 1'000);  // duration_ms = 8 500
  }
  SECTION("without any edit (a one-button form): no fields, no duration") {
    const FormState* submitted = f.on_submit(kSignup, "signup", "newsletter", t0 + 2'000);
    REQUIRE(submitted != nullptr);
    CHECK(submitted->submitted);
    CHECK(submitted->id == "signup");
    CHECK(submitted->name == "newsletter");
    CHECK(submitted->fields.size() == 0);
    CHECK(submitted->started_ms == t0 + 2'000);
  }
}

SCENARIO("A form started and left without submit is abandoned, once", "[forms]") {
  GIVEN("a signup form the visitor started and a comment form they submitted") {
    FormTracker f;
    REQUIRE(edit(f, "email", t0 + 1'000) != nullptr);
    REQUIRE(edit(f, "body", t0 + 2'000, kComment) != nullptr);
    REQUIRE(f.on_submit(kComment, "comment", "", t0 + 5'000) != nullptr);

    WHEN("the page is hidden") {
      const AbandonedForms abandoned = f.abandon();
      THEN("only the started, unsubmitted form is abandoned, with its last field") {
        REQUIRE(abandoned.size() == 1);
        CHECK(abandoned[0]->key == kSignup);
        CHECK(abandoned[0]->last_field == "email");
        CHECK(abandoned[0]->fields.size() == 1);
        CHECK(abandoned[0]->abandoned);
      }
      AND_WHEN("the page is hidden again (the visitor came back and left again)") {
        THEN("nothing is abandoned twice") { CHECK(f.abandon().size() == 0); }
      }
      AND_WHEN("the visitor comes back and submits it") {
        REQUIRE(f.on_submit(kSignup, "signup", "newsletter", t0 + 60'000) != nullptr);
        THEN("a later hide abandons nothing") { CHECK(f.abandon().size() == 0); }
      }
    }
  }
}

TEST_CASE("Forms never started are not abandoned", "[forms]") {
  FormTracker f;
  SECTION("no form at all") { CHECK(f.abandon().size() == 0); }
  SECTION("a form only submitted") {
    f.on_submit(kSignup, "signup", "newsletter", t0);
    CHECK(f.abandon().size() == 0);
  }
  SECTION("a form edited and then submitted") {
    edit(f, "email", t0);
    f.on_submit(kSignup, "signup", "newsletter", t0 + 1'000);
    CHECK(f.abandon().size() == 0);
  }
  SECTION("several started forms are each abandoned") {
    edit(f, "email", t0);
    edit(f, "body", t0 + 10, kComment);
    CHECK(keys(f.abandon()) == std::set<int>{kSignup, kComment});
  }
}

TEST_CASE("reset starts a new page view: forms start and abandon again", "[forms]") {
  FormTracker f;
  edit(f, "email", t0);
  edit(f, "first_name", t0 + 100);
  REQUIRE(f.abandon().size() == 1);
  f.reset();
  CHECK(f.abandon().size() == 0);
  const FormState* again = edit(f, "email", t0 + 10'000);
  REQUIRE(again != nullptr);
  CHECK(again->started_ms == t0 + 10'000);
  CHECK(again->fields.size() == 1);
  CHECK_FALSE(again->abandoned);
  CHECK(f.abandon().size() == 1);
}

TEST_CASE("Forms beyond the 16 first of a page view are not tracked", "[forms]") {
  FormTracker f;
  for (int key = 1; key <= 16; ++key) REQUIRE(f.on_edit(key, "", "", "q", t0 + key) != nullptr);
  SECTION("the 17th form neither starts nor submits") {
    CHECK(f.on_edit(17, "late", "", "q", t0 + 100) == nullptr);
    CHECK(f.on_submit(17, "late", "", t0 + 200) == nullptr);
  }
  SECTION("the 16 tracked forms are abandoned") { CHECK(f.abandon().size() == 16); }
}
