#!/usr/bin/env node
// Generates examples/seeds/seeds.jsonl: advfc's own seed set, written for this project (no BFCL
// data). Deterministic: mulberry32 with a fixed seed, so rerunning gives byte-identical output.
//
//   node examples/seeds/generate.mjs            # writes examples/seeds/seeds.jsonl
//   node examples/seeds/generate.mjs --stdout   # prints it instead
//
// Every tool below comes with several hand-written phrasings; values are drawn from small pools.
// Expected answers follow BFCL's possible-answer rules: each parameter lists its allowed values,
// `""` marks an optional parameter that may be left out (its default is allowed too).
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SEED = 20250607;

function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
function pickN(xs, n) {
  const pool = [...xs];
  const out = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
  return out;
}

const CITIES = ["Paris", "London", "Tokyo", "Berlin", "Madrid", "Lisbon", "Chicago", "Toronto", "Sydney", "Cairo", "Nairobi", "Seoul", "Mumbai", "Denver", "Boston", "Rome", "Vienna", "Oslo", "Dublin", "Prague", "Austin", "Lima"];
const PEOPLE = ["Alice", "Marco", "Priya", "Kenji", "Fatima", "Lucas", "Sofia", "Omar", "Hannah", "Diego", "Mei", "Tomas"];
const NUM_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const numText = (n) => (n <= 12 && rand() < 0.4 ? NUM_WORDS[n] : String(n));
const pad = (n) => String(n).padStart(2, "0");
/** A date as [ISO value, how the query says it]. */
function date() {
  const y = pick([2025, 2026]);
  const m = int(1, 12);
  const d = int(1, 28);
  const iso = `${y}-${pad(m)}-${pad(d)}`;
  const said = pick([iso, `${MONTHS[m - 1]} ${d}, ${y}`, `${MONTHS[m - 1]} ${d} ${y}`, `${d} ${MONTHS[m - 1]} ${y}`]);
  return [iso, said];
}
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const money = (lo, hi, step = 1) => int(lo / step, hi / step) * step;

const str = (description, extra = {}) => ({ type: "string", description, ...extra });
const integer = (description, extra = {}) => ({ type: "integer", description, ...extra });
const float = (description, extra = {}) => ({ type: "float", description, ...extra });
const bool = (description, extra = {}) => ({ type: "boolean", description, ...extra });
const arr = (items, description, extra = {}) => ({ type: "array", items, description, ...extra });
const tool = (name, description, properties, required) => ({ name, description, parameters: { type: "dict", properties, required } });

// Each tool: `def` (the schema), `q()` → { text, args } for one call, and optionally `multi()` →
// { text, calls: [args, …] } for parallel calls of the tool. `args` holds only what the query states.
const TOOLS = [
  {
    domain: "weather",
    def: tool("get_current_weather", "Get the current weather conditions for a city.", {
      location: str("The city, e.g. Berlin."),
      unit: str("Temperature unit.", { enum: ["celsius", "fahrenheit"], default: "celsius" }),
    }, ["location"]),
    q() {
      const c = pick(CITIES);
      const u = pick([undefined, "celsius", "fahrenheit"]);
      const tail = u ? pick([` in ${u}`, `, in degrees ${u}`]) : "";
      const text = pick([`What's the weather like in ${c} right now${tail}?`, `How is the weather in ${c} at the moment${tail}?`, `Tell me the current weather conditions in ${c}${tail}.`, `Is it raining in ${c} today? Give me the current weather${tail}.`]);
      return { text, args: { location: c, ...(u ? { unit: u } : {}) } };
    },
    multi() {
      const cs = pickN(CITIES, int(2, 3));
      const list = cs.length === 2 ? `${cs[0]} and ${cs[1]}` : `${cs[0]}, ${cs[1]} and ${cs[2]}`;
      const text = pick([`What's the current weather in ${list}?`, `Check the weather right now in ${list}, please.`, `I need the current conditions for ${list}.`]);
      return { text, calls: cs.map((c) => ({ location: c })) };
    },
  },
  {
    domain: "weather",
    def: tool("get_weather_forecast", "Get a daily weather forecast for the next days.", {
      location: str("The city to forecast."),
      days: integer("Number of days to forecast, 1 to 14."),
      unit: str("Temperature unit.", { enum: ["celsius", "fahrenheit"], default: "celsius" }),
    }, ["location", "days"]),
    q() {
      const c = pick(CITIES);
      const d = int(2, 10);
      const text = pick([`Give me the ${d}-day forecast for ${c}.`, `What will the weather be in ${c} over the next ${numText(d)} days?`, `I'm travelling to ${c}; forecast the next ${numText(d)} days for me.`, `Forecast for ${c}, ${d} days, in fahrenheit please.`]);
      return { text, args: { location: c, days: d, ...(text.includes("fahrenheit") ? { unit: "fahrenheit" } : {}) } };
    },
    multi() {
      const cs = pickN(CITIES, 2);
      const d = int(3, 7);
      return { text: `Get the ${d}-day forecast for ${cs[0]} and for ${cs[1]}.`, calls: cs.map((c) => ({ location: c, days: d })) };
    },
  },
  {
    domain: "finance",
    def: tool("convert_currency", "Convert an amount of money from one currency to another at today's rate.", {
      amount: float("The amount to convert."),
      from_currency: str("ISO code of the source currency, e.g. USD."),
      to_currency: str("ISO code of the target currency, e.g. EUR."),
    }, ["amount", "from_currency", "to_currency"]),
    q() {
      const [a, b] = pickN(["USD", "EUR", "GBP", "JPY", "CHF", "CAD", "INR", "AUD"], 2);
      const amt = pick([money(10, 5000, 5), money(10, 900) + 0.5]);
      const text = pick([`Convert ${amt} ${a} to ${b}.`, `How much is ${amt} ${a} in ${b}?`, `I have ${amt} ${a}; what would that be in ${b}?`, `Change ${amt} ${a} into ${b} for me.`]);
      return { text, args: { amount: amt, from_currency: a, to_currency: b } };
    },
    multi() {
      const a = pick(["USD", "EUR", "GBP"]);
      const bs = pickN(["JPY", "CHF", "CAD", "INR", "AUD"], 2);
      const amt = money(100, 2000, 50);
      return { text: `Convert ${amt} ${a} into ${bs[0]} and into ${bs[1]}.`, calls: bs.map((b) => ({ amount: amt, from_currency: a, to_currency: b })) };
    },
  },
  {
    domain: "finance",
    def: tool("get_stock_price", "Get the latest trading price of a stock.", {
      ticker: str("The stock ticker symbol, e.g. AAPL."),
      exchange: str("The exchange.", { enum: ["NASDAQ", "NYSE", "LSE"], default: "NASDAQ" }),
    }, ["ticker"]),
    q() {
      const t = pick(["AAPL", "MSFT", "TSLA", "NVDA", "AMZN", "IBM", "KO"]);
      const e = pick([undefined, undefined, "NYSE", "NASDAQ"]);
      const on = e ? ` on the ${e}` : "";
      const text = pick([`What's ${t} trading at${on}?`, `Get me the latest share price of ${t}${on}.`, `How much does one ${t} share cost right now${on}?`]);
      return { text, args: { ticker: t, ...(e ? { exchange: e } : {}) } };
    },
    multi() {
      const ts = pickN(["AAPL", "MSFT", "TSLA", "NVDA", "AMZN"], int(2, 3));
      return { text: `Show me the current stock prices of ${ts.slice(0, -1).join(", ")} and ${ts.at(-1)}.`, calls: ts.map((t) => ({ ticker: t })) };
    },
  },
  {
    domain: "finance",
    def: tool("calculate_loan_payment", "Calculate the monthly payment of a fixed-rate loan.", {
      principal: float("The amount borrowed."),
      annual_rate: float("Annual interest rate in percent, e.g. 4.5."),
      years: integer("Loan term in years."),
    }, ["principal", "annual_rate", "years"]),
    q() {
      const p = money(5000, 400000, 1000);
      const r = pick([3.5, 4.25, 5, 6.75, 2.9, 7.1]);
      const y = pick([5, 10, 15, 20, 30]);
      const text = pick([`What would my monthly payment be on a ${p} loan at ${r}% over ${y} years?`, `Calculate the monthly installment for borrowing ${p} for ${numText(y)} years at an annual rate of ${r} percent.`, `I'm taking a ${y}-year mortgage of ${p} at ${r}% interest. How much per month?`]);
      return { text, args: { principal: p, annual_rate: r, years: y } };
    },
  },
  {
    domain: "math",
    def: tool("math.factorial", "Compute the factorial of a non-negative integer.", { n: integer("The number.") }, ["n"]),
    q() {
      const n = int(3, 20);
      const text = pick([`What is ${n} factorial?`, `Compute the factorial of ${numText(n)}.`, `Calculate ${n}! for me.`, `I need the factorial of ${n} for a combinatorics problem.`]);
      return { text, args: { n } };
    },
    multi() {
      const ns = pickN([4, 5, 6, 7, 8, 9, 10, 12], int(2, 3));
      return { text: `Compute the factorials of ${ns.slice(0, -1).join(", ")} and ${ns.at(-1)}.`, calls: ns.map((n) => ({ n })) };
    },
  },
  {
    domain: "math",
    def: tool("math.gcd", "Greatest common divisor of two integers.", { a: integer("First integer."), b: integer("Second integer.") }, ["a", "b"]),
    q() {
      const a = int(2, 60) * 6;
      const b = int(2, 60) * 4;
      const text = pick([`What's the greatest common divisor of ${a} and ${b}?`, `Find the GCD of ${a} and ${b}.`, `Largest number that divides both ${a} and ${b}?`]);
      return { text, args: { a, b } };
    },
  },
  {
    domain: "math",
    def: tool("calculate_triangle_area", "Area of a triangle from its base and height.", {
      base: float("Length of the base."),
      height: float("Height of the triangle."),
      unit: str("Unit of length.", { default: "cm" }),
    }, ["base", "height"]),
    q() {
      const b = int(3, 40);
      const h = int(2, 30);
      const u = pick([undefined, "m", "inches"]);
      const us = u ? ` ${u}` : "";
      const text = pick([`Find the area of a triangle with base ${b}${us} and height ${h}${us}.`, `A triangle has a height of ${h}${us} and a base of ${b}${us}. What's its area?`, `Triangle area please: base ${b}, height ${h}${us}.`]);
      return { text, args: { base: b, height: h, ...(u ? { unit: u } : {}) } };
    },
    multi() {
      const b1 = int(3, 20);
      const h1 = int(3, 20);
      const b2 = int(3, 20);
      const h2 = int(3, 20);
      return { text: `Compute the areas of two triangles: one with base ${b1} and height ${h1}, the other with base ${b2} and height ${h2}.`, calls: [{ base: b1, height: h1 }, { base: b2, height: h2 }] };
    },
  },
  {
    domain: "math",
    def: tool("solve_quadratic", "Find the real roots of a·x² + b·x + c = 0.", {
      a: integer("Coefficient of x²."),
      b: integer("Coefficient of x."),
      c: integer("Constant term."),
    }, ["a", "b", "c"]),
    q() {
      const a = int(1, 5);
      const b = int(-9, 9);
      const c = int(-9, 9);
      const text = pick([`Solve the quadratic equation with a=${a}, b=${b} and c=${c}.`, `Find the roots of the quadratic whose coefficients are a = ${a}, b = ${b}, c = ${c}.`, `What are the roots when a is ${a}, b is ${b} and c is ${c}?`]);
      return { text, args: { a, b, c } };
    },
  },
  {
    domain: "travel",
    def: tool("book_flight", "Book a one-way flight.", {
      origin: str("Departure city."),
      destination: str("Arrival city."),
      date: str("Departure date, YYYY-MM-DD."),
      passengers: integer("Number of passengers.", { default: 1 }),
      cabin: str("Cabin class.", { enum: ["economy", "premium_economy", "business", "first"], default: "economy" }),
    }, ["origin", "destination", "date"]),
    q() {
      const [o, d] = pickN(CITIES, 2);
      const [iso, said] = date();
      const p = pick([undefined, 2, 3, 4]);
      const cab = pick([undefined, undefined, "business", "first", "economy"]);
      const who = p ? pick([` for ${numText(p)} people`, ` for ${numText(p)} passengers`]) : "";
      const cls = cab ? ` in ${cab} class` : "";
      const text = pick([`Book a flight from ${o} to ${d} on ${said}${who}${cls}.`, `I need to fly ${o} to ${d} on ${said}${who}${cls}; please book it.`, `Please get me a ticket${who} from ${o} to ${d}, leaving ${said}${cls}.`, `Reserve a flight to ${d} from ${o} on ${said}${who}${cls}.`]);
      return { text, args: { origin: o, destination: d, date: iso, ...(p ? { passengers: p } : {}), ...(cab ? { cabin: cab } : {}) } };
    },
  },
  {
    domain: "travel",
    def: tool("find_hotels", "Search hotels available in a city.", {
      city: str("City to search in."),
      check_in: str("Check-in date, YYYY-MM-DD."),
      nights: integer("Number of nights."),
      max_price: float("Maximum price per night in USD."),
      amenities: arr({ type: "string", enum: ["wifi", "pool", "parking", "gym", "breakfast"] }, "Required amenities.", { default: [] }),
    }, ["city", "check_in", "nights"]),
    q() {
      const c = pick(CITIES);
      const [iso, said] = date();
      const n = int(1, 9);
      const mp = pick([undefined, 120, 200, 350]);
      const am = pick([[], [], ["wifi"], ["pool", "gym"], ["parking", "breakfast"]]);
      const amText = am.length ? ` with ${am.join(" and ")}` : "";
      const price = mp ? ` under ${mp} dollars a night` : "";
      const text = pick([`Find me a hotel in ${c} for ${numText(n)} nights from ${said}${amText}${price}.`, `I'm looking for hotels in ${c}${amText}, checking in ${said} and staying ${n} nights${price}.`, `Any hotels in ${c}${price}? Arrival ${said}, ${n} nights${amText}.`]);
      return { text, args: { city: c, check_in: iso, nights: n, ...(mp ? { max_price: mp } : {}), ...(am.length ? { amenities: am } : {}) } };
    },
  },
  {
    domain: "travel",
    def: tool("get_directions", "Get directions between two places.", {
      start: str("Starting place."),
      end: str("Destination."),
      mode: str("Travel mode.", { enum: ["driving", "walking", "transit", "cycling"], default: "driving" }),
    }, ["start", "end"]),
    q() {
      const [s, e] = pickN(CITIES, 2);
      const m = pick([undefined, "walking", "transit", "cycling", "driving"]);
      const by = m ? pick([` by ${m}`, `, ${m}`]) : "";
      const text = pick([`How do I get from ${s} to ${e}${by}?`, `Directions from ${s} to ${e}${by}, please.`, `Show me the route from ${s} to ${e}${by}.`]);
      return { text, args: { start: s, end: e, ...(m ? { mode: m } : {}) } };
    },
  },
  {
    domain: "calendar",
    def: tool("create_calendar_event", "Add an event to the user's calendar.", {
      title: str("Event title."),
      date: str("Date, YYYY-MM-DD."),
      start_time: str("Start time, HH:MM (24-hour)."),
      duration_minutes: integer("Length in minutes.", { default: 60 }),
      attendees: arr({ type: "string" }, "Names of people to invite.", { default: [] }),
    }, ["title", "date", "start_time"]),
    q() {
      const title = pick(["Team sync", "Dentist appointment", "Budget review", "Yoga class", "Project kickoff", "Lunch with investors"]);
      const [iso, said] = date();
      const h = int(8, 18);
      const t = `${pad(h)}:${pick(["00", "30"])}`;
      const dur = pick([undefined, 30, 45, 90]);
      const att = pick([[], [], pickN(PEOPLE, 2)]);
      const durT = dur ? ` for ${dur} minutes` : "";
      const attT = att.length ? ` and invite ${att.join(" and ")}` : "";
      const text = pick([`Schedule "${title}" on ${said} at ${t}${durT}${attT}.`, `Put "${title}" in my calendar for ${said}, starting ${t}${durT}${attT}.`, `Can you add an event called "${title}" at ${t} on ${said}${durT}${attT}?`]);
      return { text, args: { title, date: iso, start_time: t, ...(dur ? { duration_minutes: dur } : {}), ...(att.length ? { attendees: att } : {}) } };
    },
  },
  {
    domain: "calendar",
    def: tool("set_reminder", "Set a reminder that notifies the user at a given time.", {
      message: str("What to be reminded of."),
      time: str("When, HH:MM (24-hour)."),
      repeat: str("How often it repeats.", { enum: ["none", "daily", "weekly"], default: "none" }),
    }, ["message", "time"]),
    q() {
      const msg = pick(["take my vitamins", "call the bank", "water the plants", "submit the report", "pick up the kids"]);
      const t = `${pad(int(6, 21))}:${pick(["00", "15", "45"])}`;
      const r = pick([undefined, "daily", "weekly"]);
      const rep = r ? ` ${r}` : "";
      const text = pick([`Remind me to "${msg}" at ${t}${rep}.`, `Set a${r ? ` ${r}` : ""} reminder at ${t}: "${msg}".`, `Please ping me at ${t} to "${msg}"${rep}.`]);
      return { text, args: { message: msg, time: t, ...(r ? { repeat: r } : {}) } };
    },
  },
  {
    domain: "e-commerce",
    def: tool("search_products", "Search the online store's catalogue.", {
      query: str("Search terms."),
      max_price: float("Highest price in USD."),
      category: str("Product category.", { enum: ["electronics", "books", "clothing", "home", "toys"] }),
      in_stock_only: bool("Only show items in stock.", { default: false }),
    }, ["query"]),
    q() {
      const [item, catg] = pick([["wireless headphones", "electronics"], ["running shoes", "clothing"], ["coffee grinder", "home"], ["fantasy novels", "books"], ["building blocks", "toys"], ["USB-C charger", "electronics"]]);
      const mp = pick([undefined, 50, 80, 150]);
      const withCat = rand() < 0.4;
      const stock = rand() < 0.35;
      const text = `${pick(["Search for", "Look up", "Find", "Show me"])} "${item}"${withCat ? ` in ${catg}` : ""}${mp ? ` under $${mp}` : ""}${stock ? ", only items in stock" : ""}.`;
      return { text, args: { query: item, ...(mp ? { max_price: mp } : {}), ...(withCat ? { category: catg } : {}), ...(stock ? { in_stock_only: true } : {}) } };
    },
  },
  {
    domain: "e-commerce",
    def: tool("track_order", "Get the shipping status of an order.", { order_id: str("The order number, e.g. ORD-1234.") }, ["order_id"]),
    q() {
      const id = `ORD-${int(1000, 9999)}`;
      const text = pick([`Where is my order ${id}?`, `Track order ${id} for me.`, `Has ${id} shipped yet?`, `Can you check the delivery status of order ${id}?`]);
      return { text, args: { order_id: id } };
    },
    multi() {
      const ids = [`ORD-${int(1000, 9999)}`, `ORD-${int(1000, 9999)}`];
      return { text: `Check the status of orders ${ids[0]} and ${ids[1]}.`, calls: ids.map((order_id) => ({ order_id })) };
    },
  },
  {
    domain: "messaging",
    def: tool("send_message", "Send a short text message to a contact.", {
      recipient: str("Contact name."),
      message: str("The text to send."),
      platform: str("Where to send it.", { enum: ["sms", "whatsapp", "telegram"], default: "sms" }),
    }, ["recipient", "message"]),
    q() {
      const r = pick(PEOPLE);
      const m = pick(["I'm running late", "See you at 7", "Happy birthday!", "Call me when you can", "The meeting moved to Friday"]);
      const p = pick([undefined, "whatsapp", "telegram"]);
      const via = p ? ` on ${p}` : "";
      const text = pick([`Text ${r}${via}: "${m}".`, `Send ${r} a message${via} saying "${m}".`, `Message ${r} "${m}"${via}.`]);
      return { text, args: { recipient: r, message: m, ...(p ? { platform: p } : {}) } };
    },
    multi() {
      const rs = pickN(PEOPLE, 2);
      const m = pick(["Dinner is at 8", "Don't forget the tickets"]);
      return { text: `Send "${m}" to ${rs[0]} and ${rs[1]}.`, calls: rs.map((r) => ({ recipient: r, message: m })) };
    },
  },
  {
    domain: "messaging",
    def: tool("send_email", "Send an email.", {
      to: str("Recipient email address."),
      subject: str("Subject line."),
      body: str("Body text."),
    }, ["to", "subject", "body"]),
    q() {
      const who = pick(PEOPLE).toLowerCase();
      const to = `${who}@example.com`;
      const [s, b] = pick([["Invoice", "Please find the invoice attached"], ["Weekend plans", "Are we still on for Saturday?"], ["Report", "The draft is ready for review"], ["Thanks", "Thank you for your help yesterday"]]);
      const text = pick([`Email ${to} with the subject "${s}" and the body "${b}".`, `Send an email to ${to}, subject "${s}", saying "${b}".`, `Write to ${to}: subject "${s}", message "${b}".`]);
      return { text, args: { to, subject: s, body: b } };
    },
  },
  {
    domain: "sports",
    def: tool("get_team_standing", "Get a team's league standing.", {
      team: str("Team name."),
      season: integer("Season start year.", { default: 2025 }),
    }, ["team"]),
    q() {
      const t = pick(["Arsenal", "Barcelona", "Lakers", "Celtics", "Yankees", "Juventus", "Ajax"]);
      const s = pick([undefined, 2022, 2023, 2024]);
      const when = s ? ` in the ${s} season` : "";
      const text = pick([`Where do ${t} stand in the league${when}?`, `What's the ${t} standing${when}?`, `How are ${t} ranked${when}?`]);
      return { text, args: { team: t, ...(s ? { season: s } : {}) } };
    },
    multi() {
      const ts = pickN(["Arsenal", "Barcelona", "Juventus", "Ajax"], 2);
      return { text: `Get the league standings of ${ts[0]} and ${ts[1]}.`, calls: ts.map((team) => ({ team })) };
    },
  },
  {
    domain: "sports",
    def: tool("get_player_stats", "Get a player's statistics for a season.", {
      player_name: str("Full name of the player."),
      season: integer("Season start year."),
      stat_type: str("Which statistic.", { enum: ["points", "assists", "rebounds", "goals"], default: "points" }),
    }, ["player_name", "season"]),
    q() {
      const p = pick(["Maria Lopez", "Jamal Carter", "Yuki Tanaka", "Erik Hansen", "Ana Costa"]);
      const s = pick([2021, 2022, 2023, 2024]);
      const st = pick([undefined, "assists", "rebounds", "goals"]);
      const text = st ? pick([`How many ${st} did ${p} have in ${s}?`, `Get ${p}'s ${st} for the ${s} season.`]) : pick([`Show me ${p}'s stats for the ${s} season.`, `What were ${p}'s numbers in ${s}?`]);
      return { text, args: { player_name: p, season: s, ...(st ? { stat_type: st } : {}) } };
    },
  },
  {
    domain: "cooking",
    def: tool("find_recipes", "Find recipes that use the given ingredients.", {
      ingredients: arr({ type: "string" }, "Ingredients to use."),
      diet: str("Dietary restriction.", { enum: ["none", "vegetarian", "vegan", "gluten_free"], default: "none" }),
      max_prep_minutes: integer("Longest preparation time in minutes."),
    }, ["ingredients"]),
    q() {
      const ing = pickN(["chicken", "rice", "spinach", "tomatoes", "chickpeas", "tofu", "mushrooms", "lentils", "eggs"], int(2, 3));
      const diet = pick([undefined, "vegetarian", "vegan"]);
      const mins = pick([undefined, 20, 30, 45]);
      const list = ing.length === 2 ? `${ing[0]} and ${ing[1]}` : `${ing[0]}, ${ing[1]} and ${ing[2]}`;
      const text = `${pick(["Find me", "Suggest some", "Give me", "Any"])} ${diet ? `${diet} ` : ""}recipes with ${list}${mins ? ` that take at most ${mins} minutes` : ""}${pick(["?", "."])}`;
      return { text, args: { ingredients: ing, ...(diet ? { diet } : {}), ...(mins ? { max_prep_minutes: mins } : {}) } };
    },
  },
  {
    domain: "cooking",
    def: tool("convert_cooking_units", "Convert a cooking quantity between units.", {
      quantity: float("How much."),
      from_unit: str("Unit to convert from.", { enum: ["cups", "grams", "ounces", "tablespoons", "teaspoons", "milliliters"] }),
      to_unit: str("Unit to convert to.", { enum: ["cups", "grams", "ounces", "tablespoons", "teaspoons", "milliliters"] }),
    }, ["quantity", "from_unit", "to_unit"]),
    q() {
      const [f, t] = pickN(["cups", "grams", "ounces", "tablespoons", "teaspoons", "milliliters"], 2);
      const qn = pick([2, 3, 1.5, 0.5, 250, 12]);
      const text = pick([`How many ${t} are ${qn} ${f}?`, `Convert ${qn} ${f} to ${t}.`, `My recipe says ${qn} ${f}; what's that in ${t}?`]);
      return { text, args: { quantity: qn, from_unit: f, to_unit: t } };
    },
  },
  {
    domain: "health",
    def: tool("calculate_bmi", "Body mass index from weight and height.", {
      weight_kg: float("Weight in kilograms."),
      height_cm: float("Height in centimetres."),
    }, ["weight_kg", "height_cm"]),
    q() {
      const w = int(48, 110);
      const h = int(150, 198);
      const text = pick([`What's my BMI? I weigh ${w} kg and I'm ${h} cm tall.`, `Calculate the body mass index for someone who is ${h} cm and ${w} kg.`, `I'm ${h} centimetres tall and weigh ${w} kilograms. Is my BMI healthy?`]);
      return { text, args: { weight_kg: w, height_cm: h } };
    },
  },
  {
    domain: "health",
    def: tool("log_workout", "Record a workout in the fitness log.", {
      activity: str("Kind of exercise.", { enum: ["running", "cycling", "swimming", "yoga", "rowing"] }),
      duration_minutes: integer("How long, in minutes."),
      calories: integer("Calories burned, if known."),
    }, ["activity", "duration_minutes"]),
    q() {
      const a = pick(["running", "cycling", "swimming", "yoga", "rowing"]);
      const d = pick([20, 30, 45, 60, 75]);
      const c = pick([undefined, 250, 400, 520]);
      const cal = c ? ` and burned ${c} calories` : "";
      const text = pick([`Log ${d} minutes of ${a}${cal}.`, `I did ${a} for ${d} minutes today${cal}; add it to my log.`, `Record a ${a} session of ${d} minutes${cal}.`]);
      return { text, args: { activity: a, duration_minutes: d, ...(c ? { calories: c } : {}) } };
    },
  },
  {
    domain: "iot",
    def: tool("set_thermostat", "Set the target temperature of a room's thermostat.", {
      room: str("Room name.", { enum: ["living room", "bedroom", "kitchen", "office", "bathroom"] }),
      temperature: float("Target temperature in degrees Celsius."),
      mode: str("Operating mode.", { enum: ["heat", "cool", "auto"], default: "auto" }),
    }, ["room", "temperature"]),
    q() {
      const r = pick(["living room", "bedroom", "kitchen", "office", "bathroom"]);
      const t = pick([18, 19, 20, 21, 22, 23, 21.5, 19.5]);
      const m = pick([undefined, "heat", "cool"]);
      const text = pick([`Set the ${r} thermostat to ${t} degrees${m ? ` on ${m}` : ""}.`, `Make the ${r} ${t}°C${m ? `, ${m} mode` : ""}.`, `Can you change the ${r} temperature to ${t} degrees${m ? ` in ${m} mode` : ""}?`]);
      return { text, args: { room: r, temperature: t, ...(m ? { mode: m } : {}) } };
    },
    multi() {
      const rs = pickN(["living room", "bedroom", "kitchen", "office"], 2);
      const t = pick([20, 21, 22]);
      return { text: `Set the thermostat to ${t} degrees in the ${rs[0]} and the ${rs[1]}.`, calls: rs.map((room) => ({ room, temperature: t })) };
    },
  },
  {
    domain: "iot",
    def: tool("control_light", "Turn a room's lights on or off and set their brightness.", {
      room: str("Room name.", { enum: ["living room", "bedroom", "kitchen", "office", "hallway"] }),
      on: bool("True to switch on, false to switch off."),
      brightness: integer("Brightness percentage, 0 to 100."),
    }, ["room", "on"]),
    q() {
      const r = pick(["living room", "bedroom", "kitchen", "office", "hallway"]);
      const on = rand() < 0.6;
      const b = on ? pick([undefined, 30, 60, 80]) : undefined;
      const text = on
        ? pick([`Turn on the ${r} lights${b ? ` at ${b}% brightness` : ""}.`, `Switch the lights on in the ${r}${b ? `, brightness ${b} percent` : ""}.`])
        : pick([`Turn off the lights in the ${r}.`, `Switch off the ${r} lights, please.`, `Kill the ${r} lights.`]);
      return { text, args: { room: r, on, ...(b ? { brightness: b } : {}) } };
    },
    multi() {
      const rs = pickN(["living room", "bedroom", "kitchen", "office", "hallway"], 2);
      return { text: `Turn off the lights in the ${rs[0]} and the ${rs[1]}.`, calls: rs.map((room) => ({ room, on: false })) };
    },
  },
  {
    domain: "language",
    def: tool("translate_text", "Translate text into another language.", {
      text: str("The text to translate."),
      target_language: str("Language to translate into, e.g. Spanish."),
      source_language: str("Language of the text; detected when left out."),
    }, ["text", "target_language"]),
    q() {
      const t = pick(["Where is the train station?", "Thank you very much", "I would like a coffee", "Good morning, everyone"]);
      const [tl, sl] = pickN(["Spanish", "French", "German", "Japanese", "Italian", "Portuguese"], 2);
      const withSrc = rand() < 0.3;
      const text = pick([`Translate "${t}" into ${tl}${withSrc ? ` from ${sl}` : ""}.`, `How do you say "${t}" in ${tl}?`, `Can you put "${t}" in ${tl} for me?`]);
      return { text, args: { text: t, target_language: tl, ...(withSrc && text.startsWith("Translate") ? { source_language: sl } : {}) } };
    },
    multi() {
      const t = pick(["Good night", "See you soon"]);
      const ls = pickN(["Spanish", "French", "German", "Italian"], 2);
      return { text: `Translate "${t}" into ${ls[0]} and ${ls[1]}.`, calls: ls.map((l) => ({ text: t, target_language: l })) };
    },
  },
  {
    domain: "entertainment",
    def: tool("get_movie_showtimes", "List showtimes of a movie in a city.", {
      movie_title: str("Title of the movie."),
      city: str("City."),
      date: str("Date, YYYY-MM-DD; today when left out."),
    }, ["movie_title", "city"]),
    q() {
      const m = pick(["The Silent Harbor", "Midnight Express Lane", "Paper Planets", "Crimson Tide Pool"]);
      const c = pick(CITIES);
      const withDate = rand() < 0.4;
      const [iso, said] = date();
      const text = pick([`When is "${m}" playing in ${c}${withDate ? ` on ${said}` : ""}?`, `Showtimes for "${m}" in ${c}${withDate ? `, ${said}` : ""}, please.`, `I want to see "${m}" in ${c}${withDate ? ` on ${said}` : ""}. What times are there?`]);
      return { text, args: { movie_title: m, city: c, ...(withDate ? { date: iso } : {}) } };
    },
  },
  {
    domain: "geography",
    def: tool("get_population", "Population of a country.", {
      country: str("Country name."),
      year: integer("Year of the estimate.", { default: 2024 }),
    }, ["country"]),
    q() {
      const c = pick(["Brazil", "Japan", "Kenya", "Canada", "Norway", "Vietnam", "Peru"]);
      const y = pick([undefined, 2000, 2010, 2020]);
      const text = pick([`What is the population of ${c}${y ? ` in ${y}` : ""}?`, `How many people live${y ? "d" : ""} in ${c}${y ? ` in ${y}` : ""}?`, `Give me ${c}'s population${y ? ` for ${y}` : ""}.`]);
      return { text, args: { country: c, ...(y ? { year: y } : {}) } };
    },
    multi() {
      const cs = pickN(["Brazil", "Japan", "Kenya", "Canada", "Norway"], 3);
      return { text: `Compare the populations of ${cs[0]}, ${cs[1]} and ${cs[2]}.`, calls: cs.map((country) => ({ country })) };
    },
  },
  {
    domain: "finance",
    def: tool("calculate_tip", "Tip and per-person total for a restaurant bill.", {
      bill_amount: float("The bill before tip."),
      tip_percent: float("Tip percentage, e.g. 15."),
      split: integer("Number of people sharing the bill.", { default: 1 }),
    }, ["bill_amount", "tip_percent"]),
    q() {
      const b = pick([42.5, 86, 120, 64.2, 230]);
      const t = pick([10, 15, 18, 20]);
      const s = pick([undefined, 2, 3, 4]);
      const split = s ? pick([` split between ${numText(s)} people`, `, shared by ${s} of us`]) : "";
      const text = pick([`What's a ${t}% tip on ${b} dollars${split}?`, `Our bill is $${b}. Work out a ${t} percent tip${split}.`, `Calculate the tip for a ${b} bill at ${t}%${split}.`]);
      return { text, args: { bill_amount: b, tip_percent: t, ...(s ? { split: s } : {}) } };
    },
  },
];

// Requests no tool here can serve (irrelevance with tools from other domains).
const OPEN_REQUESTS = [
  "Write me a short poem about the first snow of winter.",
  "What's the meaning of the idiom 'break the ice'?",
  "Can you recommend a good book on the history of Rome?",
  "Tell me a joke about programmers.",
  "Why is the sky blue?",
  "Summarise the plot of Hamlet in two sentences.",
  "What should I name my new puppy?",
  "Explain how a bicycle gear works.",
  "Who painted the Mona Lisa?",
  "Give me tips for a job interview tomorrow.",
];

/** BFCL possible-answer args: stated values as one-element lists, omitted optional params as ["", default]. */
function expectedArgs(t, args) {
  const props = t.def.parameters.properties;
  const out = {};
  const pyFloats = [];
  for (const [param, schema] of Object.entries(props)) {
    if (param in args) {
      const v = args[param];
      out[param] = [v];
      if (schema.type === "float" && Number.isInteger(v)) pyFloats.push(`/${param}/0`);
    } else if (t.def.parameters.required.includes(param)) {
      throw new Error(`${t.def.name}: required ${param} not stated`);
    } else {
      out[param] = "default" in schema ? ["", schema.default] : [""];
      if (schema.type === "float" && Number.isInteger(schema.default)) pyFloats.push(`/${param}/1`);
    }
  }
  return { name: t.def.name, args: out, ...(pyFloats.length ? { pyFloats } : {}) };
}

function distractors(exclude, n, sameDomainFirst) {
  const names = new Set(exclude.map((t) => t.def.name));
  const domains = new Set(exclude.map((t) => t.domain));
  const same = TOOLS.filter((t) => !names.has(t.def.name) && domains.has(t.domain));
  const other = TOOLS.filter((t) => !names.has(t.def.name) && !domains.has(t.domain));
  const out = sameDomainFirst ? pickN(same, 1) : [];
  return [...out, ...pickN(other, n - out.length)];
}

function shuffle(xs) {
  return pickN(xs, xs.length);
}

const samples = [];
const counters = {};
function add(category, text, tools, expected, meta) {
  counters[category] = (counters[category] ?? 0) + 1;
  const id = `advfc_seed_${category}_${String(counters[category] - 1).padStart(3, "0")}`;
  samples.push({ id, messages: [{ role: "user", content: text }], tools: tools.map((t) => t.def), expected, category, language: "python", source: { format: "advfc", file: "examples/seeds/seeds.jsonl", line: samples.length + 1 }, meta: { domain: meta } });
}

// simple_python: one tool, one call (two per tool, 60).
for (const t of TOOLS) {
  for (let i = 0; i < 2; i++) {
    const { text, args } = t.q();
    add("simple_python", text, [t], { calls: [expectedArgs(t, args)] }, t.domain);
  }
}
// multiple: one call chosen among 3–5 tools, often with a same-domain near miss (45).
for (let i = 0; i < 45; i++) {
  const t = TOOLS[i % TOOLS.length];
  const { text, args } = t.q();
  add("multiple", text, shuffle([t, ...distractors([t], int(2, 4), rand() < 0.6)]), { calls: [expectedArgs(t, args)] }, t.domain);
}
// parallel: several calls of one function (30).
const multis = TOOLS.filter((t) => t.multi);
for (let i = 0; i < 30; i++) {
  const t = multis[i % multis.length];
  const { text, calls } = t.multi();
  add("parallel", text, [t], { calls: calls.map((a) => expectedArgs(t, a)) }, t.domain);
}
// parallel_multiple: two requests for two different functions, one of them sometimes parallel (25).
const JOIN = [" Also, ", " After that, ", " And then ", " Then ", " Oh, and "];
for (let i = 0; i < 25; i++) {
  const [a, b] = pickN(TOOLS, 2);
  const first = a.multi && rand() < 0.4 ? a.multi() : (({ text, args }) => ({ text, calls: [args] }))(a.q());
  const second = (({ text, args }) => ({ text, calls: [args] }))(b.q());
  const j = pick(JOIN);
  const lower = !/^I\b/.test(second.text);
  const secondText = lower ? second.text.charAt(0).toLowerCase() + second.text.slice(1) : second.text;
  const text = `${first.text}${j}${secondText}`;
  const calls = [...first.calls.map((x) => expectedArgs(a, x)), ...second.calls.map((x) => expectedArgs(b, x))];
  add("parallel_multiple", text, shuffle([a, b, ...distractors([a, b], int(0, 2), false)]), { calls }, `${a.domain}+${b.domain}`);
}
// irrelevance: a request whose tool is not on offer (20) or an open request (10).
for (let i = 0; i < 20; i++) {
  const t = TOOLS[(i * 7) % TOOLS.length];
  const { text } = t.q();
  const offered = TOOLS.filter((x) => x.domain !== t.domain);
  add("irrelevance", text, pickN(offered, int(1, 3)), { abstain: true }, t.domain);
}
for (const text of OPEN_REQUESTS) add("irrelevance", text, pickN(TOOLS, int(1, 3)), { abstain: true }, "open");

const out = samples.map((s) => JSON.stringify(s)).join("\n") + "\n";
if (process.argv.includes("--stdout")) process.stdout.write(out);
else {
  const file = join(dirname(fileURLToPath(import.meta.url)), "seeds.jsonl");
  writeFileSync(file, out);
  process.stderr.write(`wrote ${samples.length} samples to ${file}: ${JSON.stringify(counters)}\n`);
}
