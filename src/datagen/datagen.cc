#include "datagen/datagen.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "duckdb.hpp"
#include "engine/engine.h"

namespace weir::datagen {

namespace {

namespace fs = std::filesystem;

// --- Value lists -------------------------------------------------------------
// SQL list literals the generators pick from with pick(row, salt, list).

constexpr const char* kMaleNames =
    "['James','John','Robert','Michael','William','David','Richard','Joseph','Thomas','Charles','Christopher',"
    "'Daniel','Matthew','Anthony','Mark','Donald','Steven','Paul','Andrew','Joshua','Kenneth','Kevin','Brian',"
    "'George','Timothy','Ronald','Edward','Jason','Jeffrey','Ryan','Jacob','Gary','Nicholas','Eric','Jonathan',"
    "'Stephen','Larry','Justin','Scott','Brandon','Benjamin','Samuel','Gregory','Alexander','Frank','Patrick',"
    "'Raymond','Jack','Dennis','Jerry','Tyler','Aaron','Jose','Adam','Nathan','Henry','Douglas','Zachary','Peter',"
    "'Kyle','Carlos','Luis','Javier','Miguel','Ahmed','Wei','Hiroshi','Rahul','Omar','Lucas']";

constexpr const char* kFemaleNames =
    "['Mary','Patricia','Jennifer','Linda','Elizabeth','Barbara','Susan','Jessica','Sarah','Karen','Lisa','Nancy',"
    "'Betty','Margaret','Sandra','Ashley','Kimberly','Emily','Donna','Michelle','Carol','Amanda','Dorothy',"
    "'Melissa','Deborah','Stephanie','Rebecca','Sharon','Laura','Cynthia','Kathleen','Amy','Angela','Shirley',"
    "'Anna','Brenda','Pamela','Emma','Nicole','Helen','Samantha','Katherine','Christine','Debra','Rachel',"
    "'Carolyn','Janet','Catherine','Maria','Heather','Diane','Ruth','Julie','Olivia','Joyce','Virginia','Victoria',"
    "'Kelly','Lauren','Christina','Joan','Evelyn','Judith','Megan','Rosa','Ana','Mei','Yuki','Priya','Fatima']";

constexpr const char* kLastNames =
    "['Smith','Johnson','Williams','Brown','Jones','Garcia','Miller','Davis','Rodriguez','Martinez','Hernandez',"
    "'Lopez','Gonzalez','Wilson','Anderson','Thomas','Taylor','Moore','Jackson','Martin','Lee','Perez','Thompson',"
    "'White','Harris','Sanchez','Clark','Ramirez','Lewis','Robinson','Walker','Young','Allen','King','Wright',"
    "'Scott','Torres','Nguyen','Hill','Flores','Green','Adams','Nelson','Baker','Hall','Rivera','Campbell',"
    "'Mitchell','Carter','Roberts','Gomez','Phillips','Evans','Turner','Diaz','Parker','Cruz','Edwards','Collins',"
    "'Reyes','Stewart','Morris','Morales','Murphy','Cook','Rogers','Gutierrez','Ortiz','Morgan','Cooper',"
    "'Peterson','Bailey','Reed','Kelly','Howard','Ramos','Kim','Cox','Ward','Richardson','Watson','Brooks',"
    "'Chavez','Wood','James','Bennett','Gray','Mendoza','Ruiz','Hughes','Price','Alvarez','Castillo','Sanders',"
    "'Patel','Myers','Long','Ross','Foster','Jimenez','Chen','Wang','Tanaka','Schmidt','Novak','Okafor']";

// Upper case, as TPC-DS spells birth countries.
constexpr const char* kCountries =
    "['AFGHANISTAN','ALBANIA','ALGERIA','ARGENTINA','ARMENIA','AUSTRALIA','AUSTRIA','BAHAMAS','BANGLADESH',"
    "'BELGIUM','BOLIVIA','BRAZIL','BULGARIA','CAMBODIA','CANADA','CHILE','CHINA','COLOMBIA','CROATIA','CUBA',"
    "'CYPRUS','CZECH REPUBLIC','DENMARK','ECUADOR','EGYPT','ESTONIA','ETHIOPIA','FIJI','FINLAND','FRANCE',"
    "'GEORGIA','GERMANY','GHANA','GREECE','GUATEMALA','HUNGARY','ICELAND','INDIA','INDONESIA','IRELAND','ISRAEL',"
    "'ITALY','JAMAICA','JAPAN','JORDAN','KENYA','LATVIA','LITHUANIA','LUXEMBOURG','MALAYSIA','MALTA','MEXICO',"
    "'MOROCCO','NEPAL','NETHERLANDS','NEW ZEALAND','NIGERIA','NORWAY','PAKISTAN','PANAMA','PERU','PHILIPPINES',"
    "'POLAND','PORTUGAL','ROMANIA','RUSSIAN FEDERATION','SENEGAL','SINGAPORE','SLOVENIA','SOUTH AFRICA','SPAIN',"
    "'SRI LANKA','SWEDEN','SWITZERLAND','THAILAND','TOGO','TUNISIA','TURKEY','UGANDA','UKRAINE','UNITED KINGDOM',"
    "'UNITED STATES','URUGUAY','VENEZUELA','VIET NAM','ZAMBIA']";

// Reserved example domains: realistic addresses that reach nobody.
constexpr const char* kEmailDomains =
    "['example.com','example.net','example.org','mail.example.com','post.example.net','inbox.example.org']";

// US states (and DC) with their GMT offsets, index for index.
constexpr const char* kStates =
    "['AL','AK','AZ','AR','CA','CO','CT','DE','DC','FL','GA','HI','ID','IL','IN','IA','KS','KY','LA','ME','MD',"
    "'MA','MI','MN','MS','MO','MT','NE','NV','NH','NJ','NM','NY','NC','ND','OH','OK','OR','PA','RI','SC','SD','TN',"
    "'TX','UT','VT','VA','WA','WV','WI','WY']";
constexpr const char* kStateGmtOffsets =
    "[-6,-9,-7,-6,-8,-7,-5,-5,-5,-5,-5,-10,-7,-6,-5,-6,-6,-5,-6,-5,-5,-5,-5,-6,-6,-6,-7,-6,-8,-5,-5,-7,-5,-5,-6,-5,"
    "-6,-8,-5,-5,-5,-6,-6,-6,-7,-5,-5,-8,-5,-6,-7]";
constexpr int kStateCount = 51;

constexpr const char* kCities =
    "['Midway','Fairview','Oak Grove','Five Points','Pleasant Hill','Riverside','Centerville','Greenwood',"
    "'Mount Zion','Oakland','Union','Salem','Franklin','Clinton','Springfield','Georgetown','Greenville','Bethel',"
    "'Liberty','Marion','Lakeside','Glendale','Shiloh','Jackson','Arlington','Ashland','Oakwood','Woodland',"
    "'Hopewell','Newport','Sulphur Springs','Highland Park','Pleasant Grove','Spring Hill','Antioch','Concord',"
    "'Enterprise','Friendship','Lebanon','Plainview','Red Hill','Summit','Walnut Grove','Wildwood','Harmony',"
    "'Mountain View','Stringtown','Waterloo','Lincoln','Edgewood']";

constexpr const char* kCounties =
    "['Williamson County','Franklin Parish','Jackson County','Walker County','Ziebach County','Richland County',"
    "'Barrow County','Daviess County','Luce County','Fairfield County','Huron County','Marion County',"
    "'Orange County','Bronx County','Dona Ana County','Mobile County','Terrell County','Kittitas County',"
    "'Wadena County','Lunenburg County','Maverick County','Raleigh County','Levy County','San Miguel County',"
    "'Jefferson County','Washington County','Madison County','Lincoln County','Clay County','Monroe County']";

constexpr const char* kStreetNames =
    "['Main','Oak','Park','Maple','Cedar','Pine','Elm','Lake','Hill','Washington','Lincoln','Jackson','Church',"
    "'Spring','River','Sunset','Highland','Forest','Meadow','Ridge','Valley','Willow','Walnut','Cherry','Dogwood',"
    "'Hickory','Laurel','Poplar','Railroad','Mill','Center','College','Franklin','Jefferson','Madison','Adams',"
    "'Johnson','Green','Sycamore','Chestnut']";
constexpr const char* kStreetSecondWords = "['Ridge','View','Hill','Grove','Creek','Woods','Hollow','Valley','Lake']";
constexpr const char* kNumberedStreets =
    "['1st','2nd','3rd','4th','5th','6th','7th','8th','9th','10th','11th','12th','13th','14th','15th']";

constexpr const char* kStreetTypes =
    "['Ave','Avenue','Blvd','Boulevard','Circle','Cir.','Court','Ct.','Drive','Dr.','Lane','Ln','Parkway','Pkwy',"
    "'Road','RD','Street','ST','Way','Wy']";

// Words for descriptions (i_item_desc, s_market_desc, p_channel_details).
constexpr const char* kWords =
    "['popular','new','quality','classic','modern','durable','compact','lightweight','premium','stylish',"
    "'portable','wireless','elegant','practical','versatile','comfortable','reliable','handmade','vintage',"
    "'bright','soft','strong','simple','smart','natural','fresh','perfect','great','easy','designed','for','with',"
    "'and','the','everyday','use','home','travel','family','gift','season','outdoor','indoor','work','style',"
    "'comfort','value','performance','finish','collection','edition','series','detail','materials','years',"
    "'friends','kids','adults','weekends','colors','sizes','customers','stores','prices','local','regional']";

// TPC-DS's ten categories (i_category_id 1..10) and each one's classes.
constexpr const char* kCategories =
    "['Women','Men','Children','Shoes','Music','Jewelry','Home','Sports','Books','Electronics']";
constexpr const char* kClasses =
    "[['dresses','fragrances','maternity','swimwear'],"
    "['accessories','pants','shirts','sports-apparel'],"
    "['infants','newborn','school-uniforms','toddlers'],"
    "['athletic','kids','mens','womens'],"
    "['classical','country','pop','rock'],"
    "['bracelets','consignment','costume','custom','diamonds','earings','estate','gold','jewelry boxes',"
    "'loose stones','mens watch','pendants','rings','semi-precious','wedding','womens watch'],"
    "['accent','bathroom','bedding','blinds/shades','curtains/drapes','decor','flatware','furniture','glassware',"
    "'kids','lighting','mattresses','paint','rugs','tables','wallpaper'],"
    "['archery','athletic shoes','baseball','basketball','camping','fishing','fitness','football','golf','guns',"
    "'hockey','optics','outdoor','pools','sailing','tennis'],"
    "['arts','business','computers','cooking','entertainments','fiction','history','home repair','mystery',"
    "'parenting','reference','romance','science','self-help','sports','travel'],"
    "['audio','automotive','camcorders','cameras','disk drives','dvd/vcr players','karoke','memory','monitors',"
    "'musical','personal','portable','scanners','stereo','televisions','wireless']]";

// Brand names are two of these and a number, as TPC-DS's are ("amalgimporto #2").
constexpr const char* kBrandParts =
    "['amalg','importo','edu pack','exporti','scholar','univ','brand','corp','maxi','nameless']";

constexpr const char* kColors =
    "['almond','antique','aquamarine','azure','beige','bisque','black','blanched','blue','blush','brown',"
    "'burlywood','burnished','chartreuse','chiffon','chocolate','coral','cornflower','cornsilk','cream','cyan',"
    "'dark','deep','dim','dodger','drab','firebrick','floral','forest','frosted','gainsboro','ghost','goldenrod',"
    "'green','grey','honeydew','hot','indian','ivory','khaki','lace','lavender','lawn','lemon','light','lime',"
    "'linen','magenta','maroon','medium','metallic','midnight','mint','misty','moccasin','navajo','navy','olive',"
    "'orange','orchid','pale','papaya','peach','peru','pink','plum','powder','puff','purple','red','rose','rosy',"
    "'royal','saddle','salmon','sandy','seashell','sienna','sky','slate','smoke','snow','spring','steel','tan',"
    "'thistle','tomato','turquoise','violet','wheat','white','yellow']";

constexpr const char* kUnits =
    "['Bunch','Bundle','Box','Carton','Case','Cup','Dozen','Dram','Each','Gram','Gross','Lb','N/A','Ounce','Oz',"
    "'Pallet','Pound','Tbl','Tsp','Ton','Unknown']";

// Macros every generator uses. `i` is a row (or order) number; `salt` names
// the column so that columns are independent.
constexpr const char* kMacros[] = {
    // A uniform integer in [lo, hi].
    "CREATE MACRO rnd(i, salt, lo, hi) AS CAST(hash(i, salt) % CAST((hi) - (lo) + 1 AS UBIGINT) AS BIGINT) + (lo)",
    // A uniform element of list l.
    "CREATE MACRO pick(i, salt, l) AS (l)[1 + CAST(hash(i, salt) % len(l) AS BIGINT)]",
    // 'Y' with probability 1/n.
    "CREATE MACRO flag(i, salt, n) AS CASE WHEN hash(i, salt) % CAST(n AS UBIGINT) = 0 THEN 'Y' ELSE 'N' END",
    // TPC-DS's syllable names: one syllable per decimal digit (12 → "oughtable").
    "CREATE MACRO syllables(n) AS array_to_string(list_transform(split(CAST(n AS VARCHAR), ''), lambda d: "
    "['bar','ought','able','pri','ese','anti','cally','ation','eing','n st'][CAST(d AS INTEGER) + 1]), '')",
    // A 16-character business key ("AAAAAAAABAAAAAAA"), as TPC-DS writes them.
    "CREATE MACRO bkey(n) AS 'AAAAAAAA' || chr(65 + CAST((n) % 16 AS INTEGER)) || "
    "chr(65 + CAST((n) // 16 % 16 AS INTEGER)) || chr(65 + CAST((n) // 256 % 16 AS INTEGER)) || "
    "chr(65 + CAST((n) // 4096 % 16 AS INTEGER)) || chr(65 + CAST((n) // 65536 % 16 AS INTEGER)) || "
    "chr(65 + CAST((n) // 1048576 % 16 AS INTEGER)) || chr(65 + CAST((n) // 16777216 % 16 AS INTEGER)) || "
    "chr(65 + CAST((n) // 268435456 % 16 AS INTEGER))",
    // Cents to DECIMAL(7,2), exactly.
    "CREATE MACRO money(cents) AS CAST(CAST(cents AS DECIMAL(18,0)) * 0.01 AS DECIMAL(7,2))",
};

// --- Table definitions -------------------------------------------------------

struct Column {
  std::string name;
  std::string type;
  std::string expr;
};

// A table's generator: rows are numbered i = 0, 1, ... (BIGINT). Each stage
// adds named helper values computed from i and the earlier stages; columns
// are computed from all of them.
struct TableDef {
  std::string name;
  int64_t spec_rows = 0;  // at scale 1
  int64_t min_rows = 0;
  bool fixed = false;  // the same at every scale (date_dim)
  std::vector<std::vector<std::pair<std::string, std::string>>> stages;
  std::vector<Column> columns;
};

// TPC-DS sales run from 1998-01-02 to 2003-01-02; date keys are Julian day
// numbers, and date_dim starts at 1900-01-02 = 2415022.
constexpr int64_t kFirstDateSk = 2415022;
constexpr int64_t kSalesFirstDateSk = 2450816;
constexpr int64_t kSalesLastDateSk = 2452642;

std::string S(int64_t n) { return std::to_string(n); }

// The columns of a street address, as customer_address and store share them.
std::vector<Column> AddressColumns(const std::string& p, const std::string& state_index) {
  std::string word = "pick(i, '" + p + "street_name', " + kStreetNames + ")";
  std::string kind = "rnd(i, '" + p + "street_kind', 0, 9)";
  return {
      {p + "street_number", "VARCHAR", "CAST(rnd(i, '" + p + "street_number', 1, 999) AS VARCHAR)"},
      // 20% numbered ("5th"), 50% one word ("Walnut"), 30% two ("Walnut Creek").
      {p + "street_name", "VARCHAR",
       "CASE WHEN " + kind + " < 2 THEN pick(i, '" + p + "street_name', " + kNumberedStreets + ") WHEN " + kind +
           " < 5 THEN " + word + " || ' ' || pick(i, '" + p + "street_second', " + kStreetSecondWords + ") ELSE " +
           word + " END"},
      {p + "street_type", "VARCHAR", "pick(i, '" + p + "street_type', " + kStreetTypes + ")"},
      {p + "suite_number", "VARCHAR",
       "'Suite ' || CASE WHEN rnd(i, '" + p + "suite_kind', 0, 1) = 0 THEN CAST(rnd(i, '" + p +
           "suite_number', 1, 49) * 10 AS VARCHAR) ELSE chr(CAST(rnd(i, '" + p +
           "suite_letter', 65, 90) AS INTEGER)) END"},
      {p + "city", "VARCHAR", "pick(i, '" + p + "city', " + kCities + ")"},
      {p + "county", "VARCHAR", "pick(i, '" + p + "county', " + kCounties + ")"},
      {p + "state", "VARCHAR", std::string(kStates) + "[" + state_index + " + 1]"},
      {p + "zip", "VARCHAR", "lpad(CAST(rnd(i, '" + p + "zip', 601, 99950) AS VARCHAR), 5, '0')"},
      {p + "country", "VARCHAR", "'United States'"},
      {p + "gmt_offset", "DECIMAL(5,2)", std::string(kStateGmtOffsets) + "[" + state_index + " + 1]"},
  };
}

// `words` words from kWords, separated by spaces.
std::string Sentence(const std::string& salt, const std::string& words) {
  return "array_to_string(list_transform(range(" + words + "), lambda k: " + kWords + "[1 + CAST(hash(i, '" + salt +
         "', k) % len(" + kWords + ") AS BIGINT)]), ' ')";
}

// A person's name from the name lists.
std::string FullName(const std::string& salt) {
  return std::string("CASE WHEN rnd(i, '") + salt + "_gender', 0, 1) = 0 THEN pick(i, '" + salt + "_first', " +
         kMaleNames + ") ELSE pick(i, '" + salt + "_first', " + kFemaleNames + ") END || ' ' || pick(i, '" + salt +
         "_last', " + kLastNames + ")";
}

struct Sizes {
  std::map<std::string, int64_t> rows;
  int64_t operator[](const std::string& table) const { return rows.at(table); }
};

std::vector<TableDef> TableDefs(const Sizes* sizes) {
  auto n = [&](const char* table) { return sizes == nullptr ? std::string("1") : S((*sizes)[table]); };
  std::vector<TableDef> defs;

  // --- date_dim: one row per day, 1900-01-02 .. 2100-01-01.
  {
    TableDef t{"date_dim", 73049, 73049, true};
    t.stages = {
        {{"d", "DATE '1900-01-02' + CAST(i AS INTEGER)"}, {"sk", S(kFirstDateSk) + " + i"}},
        {{"y", "year(d)"},
         {"m", "month(d)"},
         {"dom", "day(d)"},
         {"q", "quarter(d)"},
         {"dow", "dayofweek(d)"},
         // New Year, Independence Day, Veterans Day, Christmas, and
         // Thanksgiving (the fourth Thursday of November).
         {"holiday",
          "(month(d) = 1 AND day(d) = 1) OR (month(d) = 7 AND day(d) = 4) OR (month(d) = 11 AND day(d) = 11) OR "
          "(month(d) = 12 AND day(d) = 25) OR (month(d) = 11 AND dayofweek(d) = 4 AND day(d) BETWEEN 22 AND 28)"},
         {"prev_holiday",
          "(month(d - 1) = 1 AND day(d - 1) = 1) OR (month(d - 1) = 7 AND day(d - 1) = 4) OR "
          "(month(d - 1) = 11 AND day(d - 1) = 11) OR (month(d - 1) = 12 AND day(d - 1) = 25) OR "
          "(month(d - 1) = 11 AND dayofweek(d - 1) = 4 AND day(d - 1) BETWEEN 22 AND 28)"}},
    };
    t.columns = {
        {"d_date_sk", "BIGINT", "sk"},
        {"d_date_id", "VARCHAR", "bkey(sk)"},
        {"d_date", "DATE", "d"},
        {"d_month_seq", "INTEGER", "(y - 1900) * 12 + m - 1"},
        {"d_week_seq", "INTEGER", "(i + 1) // 7 + 1"},
        {"d_quarter_seq", "INTEGER", "(y - 1900) * 4 + q"},
        {"d_year", "INTEGER", "y"},
        {"d_dow", "INTEGER", "dow"},
        {"d_moy", "INTEGER", "m"},
        {"d_dom", "INTEGER", "dom"},
        {"d_qoy", "INTEGER", "q"},
        {"d_fy_year", "INTEGER", "y"},
        {"d_fy_quarter_seq", "INTEGER", "(y - 1900) * 4 + q"},
        {"d_fy_week_seq", "INTEGER", "(i + 1) // 7 + 1"},
        {"d_day_name", "VARCHAR", "dayname(d)"},
        {"d_quarter_name", "VARCHAR", "CAST(y AS VARCHAR) || 'Q' || CAST(q AS VARCHAR)"},
        {"d_holiday", "VARCHAR", "CASE WHEN holiday THEN 'Y' ELSE 'N' END"},
        {"d_weekend", "VARCHAR", "CASE WHEN dow IN (0, 6) THEN 'Y' ELSE 'N' END"},
        {"d_following_holiday", "VARCHAR", "CASE WHEN prev_holiday THEN 'Y' ELSE 'N' END"},
        {"d_first_dom", "INTEGER", "sk - (dom - 1)"},
        {"d_last_dom", "INTEGER", "sk + date_diff('day', d, last_day(d))"},
        {"d_same_day_ly", "INTEGER", "sk - date_diff('day', CAST(d - INTERVAL 1 YEAR AS DATE), d)"},
        {"d_same_day_lq", "INTEGER", "sk - date_diff('day', CAST(d - INTERVAL 3 MONTH AS DATE), d)"},
        {"d_current_day", "VARCHAR", "'N'"},
        {"d_current_week", "VARCHAR", "'N'"},
        {"d_current_month", "VARCHAR", "'N'"},
        {"d_current_quarter", "VARCHAR", "'N'"},
        {"d_current_year", "VARCHAR", "'N'"},
    };
    defs.push_back(std::move(t));
  }

  // --- item: every category present (the first ten rows cover all ten).
  {
    TableDef t{"item", 18000, 100};
    t.stages = {
        {{"sk", "i + 1"},
         {"cat", "(i * 7 + i // 10) % 10"},
         {"price", "rnd(i, 'i_current_price', 9, 9999)"},
         {"brand_n", "rnd(i, 'i_brand', 1, 10)"},
         {"manufact", "rnd(i, 'i_manufact_id', 1, 1000)"}},
        {{"cls", std::string("CAST(hash(i, 'i_class_id') % len(") + kClasses + "[cat + 1]) AS BIGINT)"}},
    };
    t.columns = {
        {"i_item_sk", "BIGINT", "sk"},
        {"i_item_id", "VARCHAR", "bkey(sk)"},
        {"i_rec_start_date", "DATE",
         "CAST(pick(i, 'i_rec_start_date', ['1997-10-27', '1999-10-28', '2000-10-27', '2001-10-27']) AS DATE)"},
        {"i_rec_end_date", "DATE", "NULL"},
        {"i_item_desc", "VARCHAR", Sentence("i_item_desc", "rnd(i, 'i_item_desc_words', 6, 14)")},
        {"i_current_price", "DECIMAL(7,2)", "money(price)"},
        {"i_wholesale_cost", "DECIMAL(7,2)", "money(price * rnd(i, 'i_wholesale_cost', 30, 90) // 100)"},
        {"i_brand_id", "INTEGER", "(cat + 1) * 1000000 + (cls + 1) * 1000 + brand_n"},
        {"i_brand", "VARCHAR",
         std::string(kBrandParts) + "[cat + 1] || " + kBrandParts +
             "[cls % 10 + 1] || ' #' || CAST(brand_n AS VARCHAR)"},
        {"i_class_id", "INTEGER", "cls + 1"},
        {"i_class", "VARCHAR", std::string(kClasses) + "[cat + 1][cls + 1]"},
        {"i_category_id", "INTEGER", "cat + 1"},
        {"i_category", "VARCHAR", std::string(kCategories) + "[cat + 1]"},
        {"i_manufact_id", "INTEGER", "manufact"},
        {"i_manufact", "VARCHAR", "syllables(manufact)"},
        {"i_size", "VARCHAR",
         "pick(i, 'i_size', ['petite', 'small', 'medium', 'large', 'extra large', 'economy', 'N/A'])"},
        {"i_formulation", "VARCHAR",
         std::string("lpad(CAST(hash(i, 'i_formulation') % 10000000000 AS VARCHAR), 10, '0') || pick(i, "
                     "'i_formulation_color', ") +
             kColors + ")"},
        {"i_color", "VARCHAR", std::string("pick(i, 'i_color', ") + kColors + ")"},
        {"i_units", "VARCHAR", std::string("pick(i, 'i_units', ") + kUnits + ")"},
        {"i_container", "VARCHAR", "'Unknown'"},
        {"i_manager_id", "INTEGER", "rnd(i, 'i_manager_id', 1, 100)"},
        {"i_product_name", "VARCHAR", "syllables(sk)"},
    };
    defs.push_back(std::move(t));
  }

  // --- customer_address
  {
    TableDef t{"customer_address", 50000, 50};
    t.stages = {{{"sk", "i + 1"}, {"st", "rnd(i, 'ca_state', 0, " + S(kStateCount - 1) + ")"}}};
    t.columns = {{"ca_address_sk", "BIGINT", "sk"}, {"ca_address_id", "VARCHAR", "bkey(sk)"}};
    for (auto& c : AddressColumns("ca_", "st")) t.columns.push_back(std::move(c));
    t.columns.push_back(
        {"ca_location_type", "VARCHAR", "pick(i, 'ca_location_type', ['apartment', 'condo', 'single family'])"});
    defs.push_back(std::move(t));
  }

  // --- customer
  {
    TableDef t{"customer", 100000, 100};
    t.stages = {
        {{"sk", "i + 1"},
         {"female", "rnd(i, 'c_gender', 0, 1)"},
         {"lname", std::string("pick(i, 'c_last_name', ") + kLastNames + ")"},
         {"first_sales", "rnd(i, 'c_first_sales_date_sk', 2448998, " + S(kSalesLastDateSk) + ")"}},
        {{"fname", std::string("CASE WHEN female = 1 THEN pick(i, 'c_first_name', ") + kFemaleNames +
                       ") ELSE pick(i, 'c_first_name', " + kMaleNames + ") END"}},
    };
    t.columns = {
        {"c_customer_sk", "BIGINT", "sk"},
        {"c_customer_id", "VARCHAR", "bkey(sk)"},
        {"c_current_cdemo_sk", "BIGINT", "rnd(i, 'c_current_cdemo_sk', 1, 1920800)"},
        {"c_current_hdemo_sk", "BIGINT", "rnd(i, 'c_current_hdemo_sk', 1, 7200)"},
        {"c_current_addr_sk", "BIGINT", "rnd(i, 'c_current_addr_sk', 1, " + n("customer_address") + ")"},
        {"c_first_shipto_date_sk", "BIGINT", "first_sales + rnd(i, 'c_first_shipto_date_sk', 0, 30)"},
        {"c_first_sales_date_sk", "BIGINT", "first_sales"},
        {"c_salutation", "VARCHAR",
         "CASE WHEN female = 1 THEN pick(i, 'c_salutation', ['Mrs.', 'Ms.', 'Miss', 'Dr.']) "
         "ELSE pick(i, 'c_salutation', ['Mr.', 'Mr.', 'Mr.', 'Dr.', 'Sir']) END"},
        {"c_first_name", "VARCHAR", "fname"},
        {"c_last_name", "VARCHAR", "lname"},
        {"c_preferred_cust_flag", "VARCHAR", "flag(i, 'c_preferred_cust_flag', 2)"},
        {"c_birth_day", "INTEGER", "rnd(i, 'c_birth_day', 1, 28)"},
        {"c_birth_month", "INTEGER", "rnd(i, 'c_birth_month', 1, 12)"},
        {"c_birth_year", "INTEGER", "rnd(i, 'c_birth_year', 1924, 1992)"},
        {"c_birth_country", "VARCHAR", std::string("pick(i, 'c_birth_country', ") + kCountries + ")"},
        {"c_login", "VARCHAR",
         "lower(left(fname, 1) || left(lname, 8)) || CAST(rnd(i, 'c_login', 10, 9999) AS VARCHAR)"},
        {"c_email_address", "VARCHAR",
         "fname || '.' || lname || CASE WHEN rnd(i, 'c_email_number', 0, 2) = 0 THEN CAST(rnd(i, 'c_email_digits', "
         "1, 99) AS VARCHAR) ELSE '' END || '@' || pick(i, 'c_email_domain', " +
             std::string(kEmailDomains) + ")"},
        {"c_last_review_date_sk", "BIGINT", "rnd(i, 'c_last_review_date_sk', 2452283, " + S(kSalesLastDateSk) + ")"},
    };
    defs.push_back(std::move(t));
  }

  // --- store
  {
    TableDef t{"store", 12, 2};
    t.stages = {{{"sk", "i + 1"}, {"st", "rnd(i, 's_state', 0, " + S(kStateCount - 1) + ")"}}};
    t.columns = {
        {"s_store_sk", "BIGINT", "sk"},
        {"s_store_id", "VARCHAR", "bkey(sk)"},
        {"s_rec_start_date", "DATE", "DATE '1997-03-13'"},
        {"s_rec_end_date", "DATE", "NULL"},
        {"s_closed_date_sk", "BIGINT",
         "CASE WHEN rnd(i, 's_closed', 0, 9) = 0 THEN rnd(i, 's_closed_date_sk', " + S(kSalesFirstDateSk) + ", " +
             S(kSalesLastDateSk) + ") END"},
        {"s_store_name", "VARCHAR", "syllables(sk)"},
        {"s_number_employees", "INTEGER", "rnd(i, 's_number_employees', 200, 300)"},
        {"s_floor_space", "INTEGER", "rnd(i, 's_floor_space', 5000000, 10000000)"},
        {"s_hours", "VARCHAR", "pick(i, 's_hours', ['8AM-4PM', '8AM-8PM', '8AM-12AM', '24 hours'])"},
        {"s_manager", "VARCHAR", FullName("s_manager")},
        {"s_market_id", "INTEGER", "rnd(i, 's_market_id', 1, 10)"},
        {"s_geography_class", "VARCHAR", "pick(i, 's_geography_class', ['Urban', 'Suburban', 'Rural'])"},
        {"s_market_desc", "VARCHAR", Sentence("s_market_desc", "rnd(i, 's_market_desc_words', 8, 16)")},
        {"s_market_manager", "VARCHAR", FullName("s_market_manager")},
        {"s_division_id", "INTEGER", "rnd(i, 's_division_id', 1, 3)"},
        {"s_division_name", "VARCHAR", "['East', 'Central', 'West'][rnd(i, 's_division_id', 1, 3)]"},
        {"s_company_id", "INTEGER", "1"},
        {"s_company_name", "VARCHAR", "'Ought Retail'"},
    };
    for (auto& c : AddressColumns("s_", "st")) t.columns.push_back(std::move(c));
    t.columns.push_back({"s_tax_precentage", "DECIMAL(5,2)", "CAST(rnd(i, 's_tax', 0, 11) AS DECIMAL(5,2)) * 0.01"});
    defs.push_back(std::move(t));
  }

  // --- promotion
  {
    TableDef t{"promotion", 300, 10};
    t.stages = {{{"sk", "i + 1"}, {"start_sk", "rnd(i, 'p_start_date_sk', " + S(kSalesFirstDateSk) + ", 2452550)"}}};
    auto channel = [](const char* c) { return Column{c, "VARCHAR", std::string("flag(i, '") + c + "', 3)"}; };
    t.columns = {
        {"p_promo_sk", "BIGINT", "sk"},
        {"p_promo_id", "VARCHAR", "bkey(sk)"},
        {"p_start_date_sk", "BIGINT", "start_sk"},
        {"p_end_date_sk", "BIGINT", "start_sk + rnd(i, 'p_end_date_sk', 14, 90)"},
        {"p_item_sk", "BIGINT", "rnd(i, 'p_item_sk', 1, " + n("item") + ")"},
        {"p_cost", "DECIMAL(15,2)", "CAST(rnd(i, 'p_cost', 5, 100) * 100 AS DECIMAL(15,2))"},
        {"p_response_target", "INTEGER", "rnd(i, 'p_response_target', 1, 3)"},
        {"p_promo_name", "VARCHAR", "syllables(sk)"},
        channel("p_channel_dmail"),
        channel("p_channel_email"),
        channel("p_channel_catalog"),
        channel("p_channel_tv"),
        channel("p_channel_radio"),
        channel("p_channel_press"),
        channel("p_channel_event"),
        channel("p_channel_demo"),
        {"p_channel_details", "VARCHAR", Sentence("p_channel_details", "rnd(i, 'p_channel_words', 6, 12)")},
        {"p_purpose", "VARCHAR", "pick(i, 'p_purpose', ['Unknown', 'Clearance', 'Seasonal', 'New product'])"},
        {"p_discount_active", "VARCHAR", "flag(i, 'p_discount_active', 2)"},
    };
    defs.push_back(std::move(t));
  }

  // Pricing shared by the sales tables (prefix p): a line's quantity and
  // unit prices, in cents; TPC-DS's arithmetic (ext_* = quantity × price).
  auto pricing_stages = [](const std::string& p, std::vector<std::pair<std::string, std::string>> first_stage) {
    first_stage.push_back({"qty", "rnd(i, '" + p + "quantity', 1, 100)"});
    first_stage.push_back({"wholesale", "rnd(i, '" + p + "wholesale_cost', 100, 10000)"});
    first_stage.push_back({"markup", "rnd(i, '" + p + "markup', 0, 200)"});
    first_stage.push_back({"discount", "rnd(i, '" + p + "discount', 0, 60)"});
    first_stage.push_back({"tax_pct", "rnd(i, '" + p + "tax', 0, 9)"});
    first_stage.push_back({"coupon_pct", "CASE WHEN rnd(i, '" + p + "coupon', 0, 9) = 0 THEN rnd(i, '" + p +
                                             "coupon_pct', 10, 50) ELSE 0 END"});
    first_stage.push_back({"ship_pct", "rnd(i, '" + p + "ship', 0, 50)"});
    return std::vector<std::vector<std::pair<std::string, std::string>>>{
        std::move(first_stage),
        {{"list_c", "wholesale * (100 + markup) // 100"}},
        {{"sales_c", "list_c * (100 - discount) // 100"}},
        {{"ext_list", "qty * list_c"}, {"ext_sales", "qty * sales_c"}, {"ext_wholesale", "qty * wholesale"}},
        {{"ext_tax", "ext_sales * tax_pct // 100"},
         {"coupon", "ext_sales * coupon_pct // 100"},
         {"ship_c", "ext_list * ship_pct // 100"}},
    };
  };

  // --- web_sales: six lines per order; an order's customer and dates come
  // from the order number.
  {
    TableDef t{"web_sales", 720000, 100};
    t.stages = pricing_stages(
        "ws_",
        {{"o", "i // 6 + 1"},
         {"sold", "rnd(i // 6 + 1, 'ws_sold_date_sk', " + S(kSalesFirstDateSk) + ", " + S(kSalesLastDateSk) + ")"},
         {"bill_customer", "rnd(i // 6 + 1, 'ws_bill_customer_sk', 1, " + n("customer") + ")"},
         {"other_customer", "rnd(i // 6 + 1, 'ws_ship_customer_sk', 1, " + n("customer") + ")"},
         {"ship_elsewhere", "rnd(i // 6 + 1, 'ws_ship_elsewhere', 0, 4) = 0"}});
    t.columns = {
        {"ws_sold_date_sk", "BIGINT", "sold"},
        {"ws_sold_time_sk", "BIGINT", "rnd(o, 'ws_sold_time_sk', 0, 86399)"},
        {"ws_ship_date_sk", "BIGINT", "sold + rnd(o, 'ws_ship_date_sk', 1, 120)"},
        {"ws_item_sk", "BIGINT", "rnd(i, 'ws_item_sk', 1, " + n("item") + ")"},
        {"ws_bill_customer_sk", "BIGINT", "bill_customer"},
        {"ws_bill_cdemo_sk", "BIGINT", "rnd(o, 'ws_bill_cdemo_sk', 1, 1920800)"},
        {"ws_bill_hdemo_sk", "BIGINT", "rnd(o, 'ws_bill_hdemo_sk', 1, 7200)"},
        {"ws_bill_addr_sk", "BIGINT", "rnd(o, 'ws_bill_addr_sk', 1, " + n("customer_address") + ")"},
        {"ws_ship_customer_sk", "BIGINT", "CASE WHEN ship_elsewhere THEN other_customer ELSE bill_customer END"},
        {"ws_ship_cdemo_sk", "BIGINT", "rnd(o, 'ws_ship_cdemo_sk', 1, 1920800)"},
        {"ws_ship_hdemo_sk", "BIGINT", "rnd(o, 'ws_ship_hdemo_sk', 1, 7200)"},
        {"ws_ship_addr_sk", "BIGINT", "rnd(o, 'ws_ship_addr_sk', 1, " + n("customer_address") + ")"},
        {"ws_web_page_sk", "BIGINT", "rnd(o, 'ws_web_page_sk', 1, 60)"},
        {"ws_web_site_sk", "BIGINT", "rnd(o, 'ws_web_site_sk', 1, 30)"},
        {"ws_ship_mode_sk", "BIGINT", "rnd(o, 'ws_ship_mode_sk', 1, 20)"},
        {"ws_warehouse_sk", "BIGINT", "rnd(i, 'ws_warehouse_sk', 1, 5)"},
        {"ws_promo_sk", "BIGINT", "rnd(i, 'ws_promo_sk', 1, " + n("promotion") + ")"},
        {"ws_order_number", "BIGINT", "o"},
        {"ws_quantity", "INTEGER", "qty"},
        {"ws_wholesale_cost", "DECIMAL(7,2)", "money(wholesale)"},
        {"ws_list_price", "DECIMAL(7,2)", "money(list_c)"},
        {"ws_sales_price", "DECIMAL(7,2)", "money(sales_c)"},
        {"ws_ext_discount_amt", "DECIMAL(7,2)", "money(ext_list - ext_sales)"},
        {"ws_ext_sales_price", "DECIMAL(7,2)", "money(ext_sales)"},
        {"ws_ext_wholesale_cost", "DECIMAL(7,2)", "money(ext_wholesale)"},
        {"ws_ext_list_price", "DECIMAL(7,2)", "money(ext_list)"},
        {"ws_ext_tax", "DECIMAL(7,2)", "money(ext_tax)"},
        {"ws_coupon_amt", "DECIMAL(7,2)", "money(coupon)"},
        {"ws_ext_ship_cost", "DECIMAL(7,2)", "money(ship_c)"},
        {"ws_net_paid", "DECIMAL(7,2)", "money(ext_sales - coupon)"},
        {"ws_net_paid_inc_tax", "DECIMAL(7,2)", "money(ext_sales - coupon + ext_tax)"},
        {"ws_net_paid_inc_ship", "DECIMAL(7,2)", "money(ext_sales - coupon + ship_c)"},
        {"ws_net_paid_inc_ship_tax", "DECIMAL(7,2)", "money(ext_sales - coupon + ship_c + ext_tax)"},
        {"ws_net_profit", "DECIMAL(7,2)", "money(ext_sales - coupon - ext_wholesale)"},
    };
    defs.push_back(std::move(t));
  }

  // --- store_sales: ten lines per ticket; a ticket's customer, store and
  // date come from the ticket number.
  {
    TableDef t{"store_sales", 2880000, 100};
    t.stages = pricing_stages("ss_", {{"tk", "i // 10 + 1"}});
    t.columns = {
        {"ss_sold_date_sk", "BIGINT",
         "rnd(tk, 'ss_sold_date_sk', " + S(kSalesFirstDateSk) + ", " + S(kSalesLastDateSk) + ")"},
        {"ss_sold_time_sk", "BIGINT", "rnd(tk, 'ss_sold_time_sk', 28800, 79199)"},
        {"ss_item_sk", "BIGINT", "rnd(i, 'ss_item_sk', 1, " + n("item") + ")"},
        {"ss_customer_sk", "BIGINT", "rnd(tk, 'ss_customer_sk', 1, " + n("customer") + ")"},
        {"ss_cdemo_sk", "BIGINT", "rnd(tk, 'ss_cdemo_sk', 1, 1920800)"},
        {"ss_hdemo_sk", "BIGINT", "rnd(tk, 'ss_hdemo_sk', 1, 7200)"},
        {"ss_addr_sk", "BIGINT", "rnd(tk, 'ss_addr_sk', 1, " + n("customer_address") + ")"},
        {"ss_store_sk", "BIGINT", "rnd(tk, 'ss_store_sk', 1, " + n("store") + ")"},
        {"ss_promo_sk", "BIGINT", "rnd(i, 'ss_promo_sk', 1, " + n("promotion") + ")"},
        {"ss_ticket_number", "BIGINT", "tk"},
        {"ss_quantity", "INTEGER", "qty"},
        {"ss_wholesale_cost", "DECIMAL(7,2)", "money(wholesale)"},
        {"ss_list_price", "DECIMAL(7,2)", "money(list_c)"},
        {"ss_sales_price", "DECIMAL(7,2)", "money(sales_c)"},
        {"ss_ext_discount_amt", "DECIMAL(7,2)", "money(ext_list - ext_sales)"},
        {"ss_ext_sales_price", "DECIMAL(7,2)", "money(ext_sales)"},
        {"ss_ext_wholesale_cost", "DECIMAL(7,2)", "money(ext_wholesale)"},
        {"ss_ext_list_price", "DECIMAL(7,2)", "money(ext_list)"},
        {"ss_ext_tax", "DECIMAL(7,2)", "money(ext_tax)"},
        {"ss_coupon_amt", "DECIMAL(7,2)", "money(coupon)"},
        {"ss_net_paid", "DECIMAL(7,2)", "money(ext_sales - coupon)"},
        {"ss_net_paid_inc_tax", "DECIMAL(7,2)", "money(ext_sales - coupon + ext_tax)"},
        {"ss_net_profit", "DECIMAL(7,2)", "money(ext_sales - coupon - ext_wholesale)"},
    };
    defs.push_back(std::move(t));
  }
  return defs;
}

const TableDef* FindDef(const std::vector<TableDef>& defs, std::string_view name) {
  for (const auto& def : defs) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

int64_t Rows(const TableDef& def, double scale) {
  if (def.fixed) return def.spec_rows;
  return std::max(def.min_rows, static_cast<int64_t>(std::llround(static_cast<double>(def.spec_rows) * scale)));
}

// The SELECT producing rows [begin, end) of `def`.
std::string SelectSql(const TableDef& def, int64_t begin, int64_t end) {
  std::string from = "(SELECT i FROM range(" + S(begin) + ", " + S(end) + ") t(i))";
  int level = 0;
  for (const auto& stage : def.stages) {
    std::string select = "SELECT *";
    for (const auto& [name, expr] : stage) select += ", " + expr + " AS " + name;
    from = "(" + select + " FROM " + from + " s" + S(level++) + ")";
  }
  std::string sql = "SELECT ";
  for (size_t c = 0; c < def.columns.size(); c++) {
    const auto& column = def.columns[c];
    if (c > 0) sql += ", ";
    sql += "CAST(" + column.expr + " AS " + column.type + ") AS " + column.name;
  }
  return sql + " FROM " + from + " g";
}

std::string QuoteLiteral(const std::string& text) {
  std::string quoted = "'";
  for (char ch : text) {
    if (ch == '\'') quoted += '\'';
    quoted += ch;
  }
  return quoted + "'";
}

Status Run(duckdb::Connection& connection, const std::string& sql, const std::string& what) {
  auto result = connection.Query(sql);
  if (result->HasError()) return Status::IoError(what + ": " + result->GetError());
  return Status::Ok();
}

// Writes one table into `partial`, part by part.
Status WriteTable(duckdb::Connection& connection, const TableDef& def, int64_t rows, int64_t rows_per_part,
                  const fs::path& partial, int* parts) {
  *parts = 0;
  for (int64_t begin = 0; begin < rows; begin += rows_per_part) {
    int64_t end = std::min(rows, begin + rows_per_part);
    fs::path file = partial / ("part-" + S(*parts) + ".parquet");
    WEIR_RETURN_IF_ERROR(Run(connection,
                             "COPY (" + SelectSql(def, begin, end) + ") TO " + QuoteLiteral(file.string()) +
                                 " (FORMAT parquet, COMPRESSION zstd)",
                             "writing " + def.name));
    (*parts)++;
  }
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& TableNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> out;
    for (const auto& def : TableDefs(nullptr)) out.push_back(def.name);
    return out;
  }();
  return kNames;
}

Result<int64_t> RowCount(std::string_view table, double scale) {
  auto defs = TableDefs(nullptr);
  const TableDef* def = FindDef(defs, table);
  if (def == nullptr) return Status::InvalidArgument("unknown table '" + std::string(table) + "'");
  return Rows(*def, scale);
}

Status ValidateOptions(const DatagenOptions& options) {
  if (!(options.scale > 0) || options.scale > kMaxScale) {  // NaN too
    return Status::InvalidArgument(
        fmt::format("scale must be greater than 0 and at most 1000 (got {})", options.scale));
  }
  if (options.out_dir.empty()) return Status::InvalidArgument("an output directory is required");
  if (options.threads < 0) return Status::InvalidArgument("threads must be 0 (all cores) or more");
  if (options.rows_per_part <= 0) return Status::InvalidArgument("rows per part must be positive");
  for (const auto& table : options.tables) {
    const auto& names = TableNames();
    if (std::find(names.begin(), names.end(), table) == names.end()) {
      std::string known;
      for (const auto& name : names) known += (known.empty() ? "" : ", ") + name;
      return Status::InvalidArgument("unknown table '" + table + "' (tables: " + known + ")");
    }
  }
  return Status::Ok();
}

Status Generate(const DatagenOptions& options, const ProgressCallback& progress) {
  WEIR_RETURN_IF_ERROR(ValidateOptions(options));
  const fs::path out(options.out_dir);
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_directory(out, ec)) {
    return Status::IoError("output path " + options.out_dir + " exists and is not a directory");
  }
  fs::create_directories(out, ec);
  if (ec) return Status::IoError("cannot create " + options.out_dir + ": " + ec.message());
  if (::access(out.c_str(), W_OK | X_OK) != 0) {
    return Status::IoError("output directory " + options.out_dir + " is not writable");
  }

  // Row counts first: foreign keys of one table range over another's rows.
  auto all = TableDefs(nullptr);
  Sizes sizes;
  for (const auto& def : all) sizes.rows[def.name] = Rows(def, options.scale);
  auto defs = TableDefs(&sizes);

  try {
    duckdb::DBConfig config;
    config.options.autoload_known_extensions = false;
    config.options.autoinstall_known_extensions = false;
    config.options.allow_community_extensions = false;
    if (options.threads > 0) config.options.maximum_threads = options.threads;
    duckdb::DuckDB db(nullptr, &config);
    duckdb::Connection connection(db);
    for (const char* macro : kMacros) WEIR_RETURN_IF_ERROR(Run(connection, macro, "preparing the generator"));

    for (const auto& def : defs) {
      if (!options.tables.empty() &&
          std::find(options.tables.begin(), options.tables.end(), def.name) == options.tables.end()) {
        continue;
      }
      auto started = std::chrono::steady_clock::now();
      const fs::path partial = out / ("." + def.name + ".partial");
      const fs::path final_dir = out / def.name;
      fs::remove_all(partial, ec);
      fs::create_directories(partial, ec);
      if (ec) return Status::IoError("cannot create " + partial.string() + ": " + ec.message());
      TableProgress done{def.name, sizes[def.name]};
      Status status = WriteTable(connection, def, done.rows, options.rows_per_part, partial, &done.parts);
      if (!status.ok()) {
        fs::remove_all(partial, ec);
        return status;
      }
      // Replace, never append: the old folder goes only once the new one is complete.
      fs::remove_all(final_dir, ec);
      if (ec) return Status::IoError("cannot replace " + final_dir.string() + ": " + ec.message());
      fs::rename(partial, final_dir, ec);
      if (ec) return Status::IoError("cannot move " + partial.string() + " into place: " + ec.message());
      done.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      if (progress) progress(done);
    }
    return Status::Ok();
  } catch (...) {
    return engine::StatusFromCurrentException();
  }
}

Status GenerateShop(const std::string& out_dir) {
  try {
    fs::create_directories(out_dir);
    for (const char* table : {"customers", "orders"}) fs::remove_all(fs::path(out_dir) / table);
    fs::create_directories(fs::path(out_dir) / "customers");
    duckdb::DuckDB db(nullptr);
    duckdb::Connection c(db);
    const std::string customers =
        "COPY (SELECT i AS customer_id, 'Customer ' || i AS full_name, 'user' || i || '@example.com' AS email, "
        "'+1-555-' || lpad(i::VARCHAR, 4, '0') AS phone, ['north','south','east','west'][1 + i % 4] AS region, "
        "DATE '2020-01-01' + (i * 7)::INTEGER AS signup_date FROM range(1, 201) t(i)) TO " +
        duckdb::KeywordHelper::WriteQuoted(out_dir + "/customers/part-0.parquet", '\'') + " (FORMAT parquet)";
    const std::string orders =
        "COPY (SELECT i AS order_id, 1 + (i * 37) % 200 AS customer_id, round(5 + (i * 13) % 500 + 0.99, 2) "
        "AS amount, ['north','south','east','west'][1 + i % 4] AS region FROM range(1, 2001) t(i)) TO " +
        duckdb::KeywordHelper::WriteQuoted(out_dir + "/orders", '\'') +
        " (FORMAT parquet, PARTITION_BY (region), OVERWRITE_OR_IGNORE)";
    for (const auto& sql : {customers, orders}) {
      auto result = c.Query(sql);
      if (result->HasError()) return Status::IoError(result->GetError());
    }
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::IoError(std::string("cannot write the shop sample to ") + out_dir + ": " + e.what());
  }
}

}  // namespace weir::datagen
