/* Positions, here the split of an events file's list: what is split and what is left to the
 * whole parse, the items' places, and the rest keeping every column. */
#include "check.h"
#include "common/jsonpos.h"

static const char *const keys[] = { "events", "features" };

static int
splits(const char *text)
{
    cm_json_split s;
    CHECK_INT(cm_jsonpos_split(text, strlen(text), keys, 2, &s), CM_OK);
    int split = s.key != NULL;
    cm_jsonpos_split_free(&s);
    return split;
}

static void
test_plain(void)
{
    const char *text = "{\"title\": \"T\u00e9\",\n \"events\": [{\"a\": \"]}\\\"\"},\n"
                       "  {\"b\": [1, {\"c\": 2}]}, \"\u00e9\", 3 ], \"x\": 1}\n";
    cm_json_split s;
    CHECK_INT(cm_jsonpos_split(text, strlen(text), keys, 2, &s), CM_OK);
    CHECK_STR(s.key, "events");
    CHECK_INT(s.n_items, 4);
    if (s.n_items == 4) {
        CHECK_INT(s.items[0].line, 2);
        CHECK_INT(s.items[0].col, 13);
        CHECK(strncmp(text + s.items[0].offset, "{\"a\": \"]}\\\"\"}", s.items[0].len) == 0);
        CHECK_INT(s.items[1].line, 3);
        CHECK_INT(s.items[1].col, 3);
        CHECK_INT(s.items[1].len, strlen("{\"b\": [1, {\"c\": 2}]}"));
        CHECK_INT(s.items[2].col, 25);
        CHECK_INT(s.items[2].len, 4);   /* the quotes and two bytes of é */
        CHECK_INT(s.items[3].col, 30);
    }
    /* The list's characters are blanks, one per character: "x" keeps its column. */
    CHECK_STR(s.top, "{\"title\": \"T\u00e9\",\n \"events\": [" "              " "\n"
                     "                               " "], \"x\": 1}\n");
    cm_jsonpos_split_free(&s);
    CHECK(s.top == NULL && s.items == NULL && s.key == NULL);
    CHECK(splits("{\"features\": [{}], \"type\": \"FeatureCollection\"}"));
    CHECK(splits(" {\"events\":[1]} \n"));
}

/* Anything not plain is left whole, so that jansson's message is the one said. */
static void
test_left_whole(void)
{
    CHECK(!splits("{\"events\": [{}, ]}"));               /* a comma after the last */
    CHECK(!splits("{\"events\": [{} {}]}"));              /* no comma */
    CHECK(!splits("{\"events\": [,{}]}"));
    CHECK(!splits("{\"events\": []}"));                   /* said by the whole parse */
    CHECK(!splits("{\"events\": [{}], \"events\": [{}]}"));
    CHECK(!splits("{\"events\": [{}], \"features\": [{}]}"));
    CHECK(!splits("{\"ev\\u0065nts\": [{}]}"));            /* an escaped key */
    CHECK(!splits("{\"events\": {}}"));
    CHECK(!splits("{\"title\": \"x\"}"));
    CHECK(!splits("[{\"events\": [{}]}]"));
    CHECK(!splits("{\"events\": [{}]} x"));
    CHECK(!splits("{\"events\": [{}],}"));
    CHECK(!splits("{\"events\": [{\"a\": \"unclosed}]}"));
    CHECK(!splits("{\"events\": [{\"a\": [}]"));
    CHECK(!splits("{\"events\" [{}]}"));
    CHECK(!splits(""));
}

int
main(void)
{
    test_plain();
    test_left_whole();
    return check_result("test_jsonpos");
}
