#!/usr/bin/env bats
# 1700-crm-deal: deals walked through every path crm-deal(1) describes:
# made from a qualified request or for a client, refused naming every
# missing fact; who may make, change, read and force; goods with the item's
# price, a price or a discount; VAT per line at the deal's rate (20% in
# 2025, 22% from 2026, on top or inside, the half-kopeck lines); every
# forbidden move refused naming what is missing and changing nothing, on
# one id, a batch on stdin, --keep-going and --dry-run; stock, shipping,
# certification, commissioning, service and closing; lost deals and the
# head's task; payments, refunds and advances; documents with their files;
# the list's filters and the pipeline; hostile input.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	crm_setup
	CRM_USER=wes crm-stock item add CNS-38 --name 'Насос ЦНС 38-44' --price 185000.00 \
		--supply make >/dev/null
	CRM_USER=wes crm-stock item add KIT-38 --name 'Комплект ЗИП' --price 12500.50 >/dev/null
	CRM_USER=wes crm-stock item add NOP --name 'Без цены' >/dev/null
	# Spare parts on the shelf: invoicing reserves them; the pumps are made.
	CRM_USER=wes crm-stock receive --item KIT-38 --lot K0 --qty 100 >/dev/null
	export CRM_USER=ivan
}

# new_request [COMPANY] [MANAGER] [qualify options...]: a request from a
# new caller, assigned to MANAGER (default ivan) and qualified by them with
# the needs (unless qualify options are given); prints the request's id.
new_request() {
	local company=${1:-Водоканал} who=${2:-ivan} id
	shift 2 2>/dev/null || shift $#
	# Numbered by the requests there are, as this runs in a subshell.
	NREQ=$(($(count_of crm-lead list) + 1))
	id=$(CRM_USER=root crm-lead add -H --columns id --name "Сергей Орлов $NREQ" \
		--company "$company" --phone "+7 8412 55-12-$((10 + NREQ))" \
		--subject "Насос ЦНС для станции $NREQ")
	CRM_USER=anna crm-lead assign --to "$who" "$id" >/dev/null
	if [ $# -eq 0 ]; then set -- --needs 'ЦНС 38-44, вода 20 °C'; fi
	CRM_USER=$who crm-lead qualify "$@" "$id" >/dev/null
	echo "$id"
}

# new_deal [COMPANY] [MANAGER]: a deal of MANAGER (default ivan) at
# selection, made from a new qualified request; prints its id.
new_deal() {
	local r
	r=$(new_request "${1:-Водоканал}" "${2:-ivan}")
	CRM_USER=${2:-ivan} crm-deal new --from-request "$r" --legal-name "МУП «${1:-Водоканал}»" \
		-H --columns id
}

# The valid requisites of a company, written on deal $1's party (by the head).
requisites() {
	CRM_USER=anna crm-deal set "$1" --inn 7707083893 --kpp 770701001 --bik 044525225 \
		--account 40702810500000001234 --corr-account 30101810400000000225 \
		--address 'г. Пенза, ул. Гагарина, 1' >/dev/null
}

# invoiced_deal [COMPANY] [MANAGER]: a deal with two pumps and a set of
# spare parts (364000.50 with VAT at 22%), invoiced: the order reserves the
# spare parts and has the pumps made, so the deal is at production; prints
# its id.
invoiced_deal() {
	local id
	id=$(new_deal "$@")
	CRM_USER=anna crm-deal item add "$id" CNS-38 --qty 2 --discount 5% >/dev/null
	CRM_USER=anna crm-deal item add "$id" KIT-38 --qty 1 >/dev/null
	requisites "$id"
	CRM_USER=anna crm-deal stage "$id" invoiced >/dev/null
	echo "$id"
}

# The open production order of deal $1's order.
production_of() {
	local out
	out=$(listing crm-stock production list) || return 1
	tsv_pick "$out" "ref=DEAL-$1" id
}

# stocked_deal: an invoiced deal whose pumps are made (a lot reserved for its
# order), which moves it to stock by itself.
stocked_deal() {
	local id
	id=$(invoiced_deal "$@")
	CRM_USER=wes crm-stock production done "$(production_of "$id")" --lot "L$id" >/dev/null
	echo "$id"
}

# shipped_deal: a stocked deal shipped with its waybill, at shipped (the
# manager's task to ship done).
shipped_deal() {
	local id out
	id=$(stocked_deal "$@")
	out=$(listing crm-task list --kind deal)
	CRM_USER=anna crm-task done "$(tsv_pick "$out" "title=Goods for deal $id are in stock: ship" id)" >/dev/null
	CRM_USER=wes crm-stock ship --ref "DEAL-$id" >/dev/null
	CRM_USER=anna crm-deal set "$id" --waybill "ТН-$id" >/dev/null
	CRM_USER=anna crm-deal stage "$id" shipped >/dev/null
	echo "$id"
}

# The value of key $3 in section $2 of crm-deal show $1; for sections with
# many rows and no fixed keys, each row's key and value, "=" between them.
dshow() {
	local out
	out=$(CRM_USER="${CRM_READER:-root}" crm-deal show "$1") || return 1
	awk -F'\t' -v s="$2" -v k="$3" '
		NR > 1 && $1 == s && (k == "" || $2 == k) { print (k == "" ? $2 "=" $3 : $3) }' <<<"$out"
}

# Columns $2 of deal $1 as crm-deal list shows it.
deal_row() {
	local out
	out=$(listing crm-deal list) || return 1
	tsv_pick "$out" "id=$1" "$2"
}

# The stage of deal $1.
stage_of() {
	deal_row "$1" stage
}

# Columns $2 of deal $1's history, "|" between columns, " " between moves.
moves_of() {
	local out
	out=$(CRM_USER=root crm-deal history "$1") || return 1
	tsv_pick "$out" "" "$2" | paste -sd' ' -
}

# Everything the commands show of deal $1 (and of all tasks, requests and
# the audit log), to compare before and after a command that must change
# nothing.
deal_state() {
	CRM_USER=root crm-deal show "$1" || return 1
	CRM_USER=root crm-deal history "$1" || return 1
	CRM_USER=root crm-deal balance "$1" || return 1
	listing crm-deal doc list || return 1
	listing crm-deal list || return 1
	listing crm-task list --status all || return 1
	listing crm-lead list || return 1
	sql "SELECT count(*) FROM audit"
}

# The titles of the open tasks of kind deal, "assignee:title" joined by "|".
deal_tasks() {
	local out
	out=$(listing crm-task list --kind deal) || return 1
	tsv_pick "$out" "" assignee,title | tr '|' ':' | paste -sd'|' -
}

# ---- new

@test "new from a qualified request converts the request and makes its party a client" {
	r=$(new_request)
	p=$(party_of "$r")
	run --separate-stderr crm-deal new --from-request "$r" --equipment pump --medium water \
		--legal-name 'МУП «Водоканал»'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'id\tstage\ttitle\tparty\tparty_name\tmanager\tdept\ttotal\tpaid\tupdated\tclose_by' ]
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_pick "$output" "" stage,title,party,manager,dept,total,paid)" = \
		"selection|Насос ЦНС для станции 1|$p|ivan|prom|0.00|0.00" ]
	[ "$(request_row "$r" status)" = converted ]
	[ "$(shown "$r" party kind)" = client ]
	[ "$(shown "$r" party legal_name)" = 'МУП «Водоканал»' ]
	[ "$(dshow 1 deal equipment)|$(dshow 1 deal medium)|$(dshow 1 deal request)" = "pump|water|$r" ]
	[ "$(dshow 1 deal needs)" = 'ЦНС 38-44, вода 20 °C' ]
	[ "$(moves_of 1 from_stage,stage,who,forced)" = "|selection|ivan|no" ]
}

@test "new --party makes a deal for a client, managed by its owner, with the title given" {
	r=$(new_request)
	p=$(party_of "$r")
	crm-deal new --from-request "$r" --legal-name 'МУП' >/dev/null
	run --separate-stderr as anna crm-deal new --party "$p" --title 'Второй насос' --needs 'ещё один' \
		--close-by 2026-12-31 --columns id,stage,title,party,manager,close_by
	[ "$status" -eq 0 ]
	[ "$output" = $'id\tstage\ttitle\tparty\tmanager\tclose_by\n2\tselection\tВторой насос\t'"$p"$'\tivan\t2026-12-31' ]
	[ "$(dshow 2 deal needs)" = 'ещё один' ]
	[ "$(dshow 2 deal request)" = '' ]
}

@test "new names every missing fact at once, exits 65 and makes nothing" {
	r=$(CRM_USER=root crm-lead add -H --columns id --company 'Завод без людей' --subject 'Компрессор')
	as anna crm-lead assign --to ivan "$r" >/dev/null
	crm-lead qualify "$r" >/dev/null
	before=$(deal_state 0 2>/dev/null; listing crm-lead list; parties party,company)
	run --separate-stderr crm-deal new --from-request "$r"
	[ "$status" -eq 65 ]
	[ "$output" = '' ]
	[[ "$stderr" == *"needs the customer's needs (--needs); the legal entity's name (--legal-name), or --private for a person; a contact person with a phone or e-mail"* ]]
	[ "$(count_of crm-deal list)" -eq 0 ]
	[ "$(request_row "$r" status)" = qualified ]
	# One fact given, the others still named; the party fields given are not kept.
	run --separate-stderr crm-deal new --from-request "$r" --needs 'компрессор 5 бар' --name 'Пётр' \
		--phone '+7 495 111-22-33'
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"the legal entity's name (--legal-name), or --private"* ]]
	[[ "$stderr" != *"customer's needs"* ]]
	[[ "$stderr" != *"contact person"* ]]
	[ "$(deal_state 0 2>/dev/null; listing crm-lead list; parties party,company)" = "$before" ]
	run --separate-stderr crm-deal new --from-request "$r" --needs 'компрессор 5 бар' --name 'Пётр' \
		--phone '+7 495 111-22-33' --private
	[ "$status" -eq 0 ]
	[ "$(dshow 1 party private)" = yes ]
	[ "$(dshow 1 contact)" = 'Пётр=+74951112233' ]
}

@test "a lead party, a supplier, a request not qualified and a second deal from one request are refused" {
	lead=$(CRM_USER=root crm-lead add -H --columns party --name 'Олег' --company 'Лид' --phone '+7 495 000-00-01')
	run --separate-stderr crm-deal new --party "$lead" --needs x --legal-name y
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"party $lead is a lead"* ]]
	sup=$(CRM_USER=wes crm-stock supplier add 'Поставщик' --phone '+7 495 000-00-02' -H --columns party)
	run --separate-stderr as anna crm-deal new --party "$sup" --needs x --legal-name y --manager ivan
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"is a supplier"* ]]
	r=$(CRM_USER=root crm-lead add -H --columns id --name 'Анна' --company 'Не готов' --phone '+7 495 000-00-03')
	run --separate-stderr as anna crm-deal new --from-request "$r" --needs x --legal-name y --manager ivan
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"request $r is new: a deal is made from a qualified request"* ]]
	[ "$(count_of crm-deal list)" -eq 0 ]
	[ "$(request_row "$r" status)" = new ]
	r=$(new_request)
	crm-deal new --from-request "$r" --legal-name 'МУП' >/dev/null
	run --separate-stderr crm-deal new --from-request "$r" --legal-name 'МУП'
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"request $r is converted"* ]]
	[ "$(count_of crm-deal list)" -eq 1 ]
}

@test "the deal's parameters take values from the admin's lists only" {
	r=$(new_request)
	run --separate-stderr crm-deal new --from-request "$r" --legal-name x --equipment turbine
	[ "$status" -eq 65 ]
	[[ "$stderr" == *turbine* && "$stderr" == *equipment* ]]
	[ "$(count_of crm-deal list)" -eq 0 ]
	run --separate-stderr crm-admin choice add equipment turbine
	[ "$status" -eq 77 ]
	CRM_USER=root crm-admin choice add equipment turbine
	[ "$(CRM_USER=root crm-admin choice list equipment | grep -c turbine)" -eq 1 ]
	run --separate-stderr crm-deal new --from-request "$r" --legal-name x --equipment turbine --area heating
	[ "$status" -eq 0 ]
	[ "$(dshow 1 deal equipment)|$(dshow 1 deal area)" = turbine\|heating ]
	run --separate-stderr crm-deal set 1 --medium lava
	[ "$status" -eq 65 ]
	[ "$(dshow 1 deal medium)" = '' ]
}

# ---- who may

@test "a marketer or the warehouse cannot make or change deals (77) but reads them" {
	id=$(new_deal)
	r=$(new_request)
	before=$(deal_state "$id")
	for who in mila wes; do
		run --separate-stderr as "$who" crm-deal new --from-request "$r" --legal-name x
		[ "$status" -eq 77 ]
		[[ "$stderr" == *"making deals"* ]]
		run --separate-stderr as "$who" crm-deal set "$id" --title x
		[ "$status" -eq 77 ]
		run --separate-stderr as "$who" crm-deal item add "$id" KIT-38 --qty 1
		[ "$status" -eq 77 ]
		run --separate-stderr as "$who" crm-deal stage "$id" lost --lost-reason price
		[ "$status" -eq 77 ]
		run --separate-stderr as "$who" crm-deal pay "$id" 10.00
		[ "$status" -eq 77 ]
		run --separate-stderr as "$who" crm-deal doc add "$id" --kind contract --number 1
		[ "$status" -eq 77 ]
		run --separate-stderr as "$who" crm-deal show "$id"
		[ "$status" -eq 0 ]
		run --separate-stderr as "$who" crm-deal list
		[ "$status" -eq 0 ]
		[ "$(tsv_count "$output")" -eq 1 ]
		run --separate-stderr as "$who" crm-deal history "$id"
		[ "$status" -eq 0 ]
		run --separate-stderr as "$who" crm-deal pipeline
		[ "$status" -eq 0 ]
	done
	[ "$(deal_state "$id")" = "$before" ]
}

@test "a manager changes only their deals and makes deals only for themselves; the head may" {
	id=$(new_deal)
	before=$(deal_state "$id")
	run --separate-stderr as petr crm-deal set "$id" --title 'чужая'
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"deal $id is not yours"* ]]
	run --separate-stderr as petr crm-deal item add "$id" KIT-38 --qty 1
	[ "$status" -eq 77 ]
	run --separate-stderr as petr crm-deal stage "$id" lost --lost-reason price
	[ "$status" -eq 77 ]
	run --separate-stderr crm-deal set "$id" --manager petr
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"head or admin"* ]]
	[ "$(deal_state "$id")" = "$before" ]
	r=$(new_request 'Другой завод' petr)
	run --separate-stderr as petr crm-deal new --from-request "$r" --legal-name x --manager ivan
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"a manager makes deals for themselves"* ]]
	run --separate-stderr as anna crm-deal new --from-request "$r" --legal-name x --manager olga -H --columns manager,dept
	[ "$status" -eq 0 ]
	[ "$output" = $'olga\tprom' ]
	run --separate-stderr as anna crm-deal set "$id" --manager petr --title 'Пётр ведёт' -H --columns manager,title
	[ "$status" -eq 0 ]
	[ "$output" = $'petr\tПётр ведёт' ]
	run --separate-stderr as petr crm-deal item add "$id" KIT-38 --qty 1
	[ "$status" -eq 0 ]
	run --separate-stderr crm-deal item add "$id" CNS-38 --qty 1
	[ "$status" -eq 77 ]
}

@test "only the head forces a move, with a reason, and history shows the forced move and the reason" {
	id=$(new_deal)
	before=$(deal_state "$id")
	run --separate-stderr crm-deal stage "$id" shipped --force --reason 'срочно'
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"role head"* ]]
	run --separate-stderr as root crm-deal stage "$id" shipped --force --reason 'срочно'
	[ "$status" -eq 77 ]
	run --separate-stderr as anna crm-deal stage "$id" shipped --force
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"--reason"* ]]
	[ "$(deal_state "$id")" = "$before" ]
	run --separate-stderr as anna crm-deal stage "$id" shipped --force --reason 'отгрузили по звонку директора'
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" stage)" = shipped ]
	run --separate-stderr crm-deal history "$id"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'deal\tat\tfrom_stage\tstage\twho\tforced\treason' ]
	[ "$(tsv_pick "$output" "" from_stage,stage,who,forced,reason | paste -sd' ' -)" = \
		"|selection|ivan|no| selection|shipped|anna|yes|отгрузили по звонку директора" ]
	[[ "$(dshow "$id" stage | tail -n 1)" == *"selection -> shipped by anna"*"отгрузили по звонку директора"* ]]
	# ...and in the audit log, with who forced it (no command shows the log;
	# an insert is logged by its row, which holds the reason).
	[ "$(sql "SELECT a.who FROM audit_log a JOIN deal_move m ON m.id = a.row_id
		WHERE a.tbl = 'deal_move' AND a.action = 'insert' AND m.forced = 1
		AND m.reason = 'отгрузили по звонку директора'")" = anna ]
}

# ---- goods

@test "item add takes the item's price, or --price, less a discount in per cent or an amount" {
	id=$(new_deal)
	run --separate-stderr crm-deal item add "$id" CNS-38 --qty 2 --discount 5%
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'item\tname\tqty\tunit\tprice\tdiscount\trate\tnet\tvat\ttotal' ]
	[ "$(tsv_pick "$output" item=CNS-38 qty,price,discount,rate,net,vat,total)" = \
		"2|185000.00|5%|22%|288114.75|63385.25|351500.00" ]
	run --separate-stderr crm-deal item add "$id" KIT-38 --qty 1.5 --price 1000.00 --discount 150.00
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "$(tsv_pick "$output" item=KIT-38 qty,price,discount,net,vat,total)" = \
		"1.5|1000.00|150.00|1106.56|243.44|1350.00" ]
	run --separate-stderr crm-deal item add "$id" NOP --qty 1 --price 0.10
	[ "$status" -eq 0 ]
	[ "$(tsv_pick "$output" item=NOP price,vat,total)" = "0.10|0.02|0.10" ]
	[ "$(deal_row "$id" total)" = 352850.10 ]
	[ "$(dshow "$id" total total)" = 352850.10 ]
}

@test "item set changes what is given and keeps the rest; item rm takes the line off" {
	id=$(new_deal)
	crm-deal item add "$id" CNS-38 --qty 2 --discount 5% >/dev/null
	run --separate-stderr crm-deal item set "$id" CNS-38 --qty 3
	[ "$status" -eq 0 ]
	[ "$(tsv_pick "$output" item=CNS-38 qty,price,discount,total)" = "3|185000.00|5%|527250.00" ]
	run --separate-stderr crm-deal item set "$id" CNS-38 --price 100000.00
	[ "$(tsv_pick "$output" item=CNS-38 qty,price,discount,total)" = "3|100000.00|5%|285000.00" ]
	run --separate-stderr crm-deal item set "$id" CNS-38 --discount 1000.00
	[ "$(tsv_pick "$output" item=CNS-38 qty,price,discount,total)" = "3|100000.00|1000.00|299000.00" ]
	run --separate-stderr crm-deal item set "$id" KIT-38 --qty 1
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"deal $id has no line of KIT-38"* ]]
	crm-deal item add "$id" KIT-38 --qty 1 >/dev/null
	run --separate-stderr crm-deal item rm "$id" CNS-38
	[ "$status" -eq 0 ]
	[ "$(tsv_pick "$output" "" item)" = KIT-38 ]
	[ "$(dshow "$id" line)" = "KIT-38=1 pcs x 12500.50, discount 0.00, net 10246.31, VAT 22% 2254.19, total 12500.50 (Комплект ЗИП)" ]
	run --separate-stderr crm-deal item rm "$id" CNS-38
	[ "$status" -eq 65 ]
}

@test "a second line of an item, an item without a price, and bad quantities are refused" {
	id=$(new_deal)
	crm-deal item add "$id" KIT-38 --qty 1 >/dev/null
	before=$(deal_state "$id")
	run --separate-stderr crm-deal item add "$id" KIT-38 --qty 2
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"deal $id has a line of KIT-38 already (change it with item set)"* ]]
	run --separate-stderr crm-deal item add "$id" NOP --qty 1
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"item NOP has no price: give --price"* ]]
	run --separate-stderr crm-deal item add "$id" NOSUCH --qty 1
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'unknown item "NOSUCH"'* ]]
	for q in 0 -1 abc 1.2345 1e5 ''; do
		run --separate-stderr crm-deal item add "$id" CNS-38 --qty "$q"
		[ "$status" -eq 65 ] || [ "$status" -eq 64 ]
	done
	run --separate-stderr crm-deal item add "$id" CNS-38
	[ "$status" -eq 64 ]
	for d in 101% -5% abc 1.234; do
		run --separate-stderr crm-deal item add "$id" CNS-38 --qty 1 --discount "$d"
		[ "$status" -eq 65 ]
	done
	[ "$(deal_state "$id")" = "$before" ]
}

@test "goods change only at selection and proposal" {
	id=$(new_deal)
	crm-deal item add "$id" KIT-38 --qty 1 >/dev/null
	crm-deal stage "$id" proposal >/dev/null
	run --separate-stderr crm-deal item add "$id" CNS-38 --qty 1
	[ "$status" -eq 0 ]
	requisites "$id"
	crm-deal stage "$id" invoiced >/dev/null
	before=$(deal_state "$id")
	run --separate-stderr crm-deal item add "$id" NOP --qty 1 --price 1
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"deal $id is at production: its goods change only at selection or proposal"* ]]
	run --separate-stderr crm-deal item set "$id" KIT-38 --qty 2
	[ "$status" -eq 65 ]
	run --separate-stderr crm-deal item rm "$id" KIT-38
	[ "$status" -eq 65 ]
	run --separate-stderr as anna crm-deal item set "$id" KIT-38 --price 1
	[ "$status" -eq 65 ]
	[ "$(deal_state "$id")" = "$before" ]
}

# ---- VAT

@test "VAT at 22% in 2026 is taken out of each line, and the totals are the sums of the lines" {
	id=$(invoiced_deal)
	run --separate-stderr crm-deal show "$id"
	[ "$status" -eq 0 ]
	[ "$(dshow "$id" line)" = "CNS-38=2 pcs x 185000.00, discount 18500.00, net 288114.75, VAT 22% 63385.25, total 351500.00 (Насос ЦНС 38-44)
KIT-38=1 pcs x 12500.50, discount 0.00, net 10246.31, VAT 22% 2254.19, total 12500.50 (Комплект ЗИП)" ]
	[ "$(dshow "$id" total)" = $'net=298361.06\nvat=65639.44\ntotal=364000.50' ]
	[ "$(dshow "$id" deal invoiced)" = 2026-11-26 ]
	[ "$(dshow "$id" balance invoiced)" = 364000.50 ]
}

@test "a deal invoiced in 2025 keeps 20% when the clock moves into 2026; one not invoiced takes 22%" {
	export CRM_NOW=2025-12-20T10:00:00Z
	a=$(new_deal)
	b=$(new_deal 'Теплосеть')
	for id in "$a" "$b"; do
		crm-deal item add "$id" CNS-38 --qty 2 --discount 5% >/dev/null
		crm-deal item add "$id" KIT-38 --qty 1 >/dev/null
		requisites "$id"
	done
	run --separate-stderr crm-deal stage "$a" invoiced --columns id,stage,total
	[ "$status" -eq 0 ]
	[ "$output" = $'id\tstage\ttotal\n'"$a"$'\tproduction\t364000.50' ]
	[ "$(dshow "$a" deal invoiced)" = 2025-12-20 ]
	[ "$(dshow "$a" total)" = $'net=303333.75\nvat=60666.75\ntotal=364000.50' ]
	[ "$(dshow "$b" total vat)" = 60666.75 ]
	export CRM_NOW=2026-01-10T10:00:00Z
	[ "$(dshow "$a" line | cut -d, -f3-4)" = " net 292916.67, VAT 20% 58583.33
 net 10417.08, VAT 20% 2083.42" ]
	[ "$(dshow "$a" total)" = $'net=303333.75\nvat=60666.75\ntotal=364000.50' ]
	[ "$(dshow "$b" total)" = $'net=298361.06\nvat=65639.44\ntotal=364000.50' ]
	crm-deal stage "$b" invoiced >/dev/null
	[ "$(dshow "$b" deal invoiced)" = 2026-01-10 ]
	[ "$(dshow "$b" total vat)" = 65639.44 ]
	# The VAT code is fixed once invoiced.
	run --separate-stderr crm-deal set "$a" --vat zero
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"is invoiced: its VAT is fixed"* ]]
	[ "$(dshow "$a" deal vat)" = standard ]
}

@test "prices_include_vat no puts VAT on top of each line" {
	CRM_USER=root crm-admin config set prices_include_vat no
	id=$(new_deal)
	run --separate-stderr crm-deal item add "$id" CNS-38 --qty 2 --discount 5%
	[ "$(tsv_pick "$output" item=CNS-38 net,vat,total)" = "351500.00|77330.00|428830.00" ]
	run --separate-stderr crm-deal item add "$id" KIT-38 --qty 1
	[ "$(tsv_pick "$output" item=KIT-38 net,vat,total)" = "12500.50|2750.11|15250.61" ]
	[ "$(dshow "$id" total)" = $'net=364000.50\nvat=80080.11\ntotal=444080.61' ]
	[ "$(deal_row "$id" total)" = 444080.61 ]
	run --separate-stderr as root crm-admin config set prices_include_vat perhaps
	[ "$status" -ne 0 ]
}

@test "VAT is rounded half away from zero per line: three half-kopeck lines make 0.03, not 0.02" {
	export CRM_NOW=2025-12-20T10:00:00Z
	for i in A B C; do CRM_USER=wes crm-stock item add "P$i" --name "Шайба $i" --price 0.03 >/dev/null; done
	id=$(new_deal)
	for i in A B C; do crm-deal item add "$id" "P$i" --qty 1 >/dev/null; done
	run --separate-stderr crm-deal item add "$id" KIT-38 --qty 1 --price 0.06
	[ "$status" -eq 0 ]
	# 0.03 * 20/120 = 0.005: 0.01 each; 0.06 * 20/120 = 0.01 exactly.
	[ "$(tsv_pick "$output" "" item,net,vat,total | paste -sd' ' -)" = \
		"PA|0.02|0.01|0.03 PB|0.02|0.01|0.03 PC|0.02|0.01|0.03 KIT-38|0.05|0.01|0.06" ]
	[ "$(dshow "$id" total)" = $'net=0.11\nvat=0.04\ntotal=0.15' ]
	# On top at 22%: 0.25 * 0.22 = 0.055, rounded up to 0.06.
	CRM_USER=root crm-admin config set prices_include_vat no
	export CRM_NOW=2026-11-26T10:00:00Z
	run --separate-stderr crm-deal item set "$id" KIT-38 --price 0.25
	[ "$(tsv_pick "$output" item=KIT-38 net,vat,total)" = "0.25|0.06|0.31" ]
	[ "$(tsv_pick "$output" item=PA net,vat,total)" = "0.03|0.01|0.04" ]
	[ "$(dshow "$id" total)" = $'net=0.34\nvat=0.09\ntotal=0.43' ]
}

@test "the admin adds a VAT rate from a day; the codes zero and none; an unknown code is refused" {
	run --separate-stderr crm-admin vat add standard --from 2027-01-01 --rate 25%
	[ "$status" -eq 77 ]
	CRM_USER=root crm-admin vat add standard --from 2027-01-01 --rate 25%
	[ "$(CRM_USER=root crm-admin vat list | grep -c $'^standard\t2027-01-01\t25%$')" -eq 1 ]
	a=$(new_deal)
	crm-deal item add "$a" KIT-38 --qty 1 --price 1250.00 >/dev/null
	requisites "$a"
	crm-deal stage "$a" invoiced >/dev/null
	b=$(new_deal 'Б')
	crm-deal item add "$b" KIT-38 --qty 1 --price 1250.00 >/dev/null
	export CRM_NOW=2027-02-01T10:00:00Z
	[ "$(dshow "$a" total vat)" = 225.41 ]
	[ "$(dshow "$b" total vat)" = 250.00 ]
	[[ "$(dshow "$b" line)" == *"VAT 25% 250.00"* ]]
	export CRM_NOW=2026-11-26T10:00:00Z
	r=$(new_request 'Ноль')
	run --separate-stderr crm-deal new --from-request "$r" --legal-name x --vat zero -H --columns id
	z=$output
	run --separate-stderr crm-deal item add "$z" KIT-38 --qty 1 --price 1250.00
	[ "$(tsv_pick "$output" "" rate,net,vat,total)" = "0%|1250.00|0.00|1250.00" ]
	run --separate-stderr crm-deal set "$z" --vat none
	[ "$status" -eq 0 ]
	[ "$(dshow "$z" deal vat)" = none ]
	[[ "$(dshow "$z" line)" == *"net 1250.00, VAT none 0.00, total 1250.00"* ]]
	run --separate-stderr crm-deal set "$z" --vat reduced
	[ "$status" -eq 65 ]
	[[ "$stderr" == *reduced* ]]
	r=$(new_request 'Код')
	run --separate-stderr crm-deal new --from-request "$r" --legal-name x --vat reduced
	[ "$status" -eq 65 ]
	CRM_USER=root crm-admin vat add reduced --from 2026-01-01 --rate 10
	run --separate-stderr crm-deal new --from-request "$r" --legal-name x --vat reduced -H --columns id
	[ "$status" -eq 0 ]
	run --separate-stderr crm-deal item add "$output" KIT-38 --qty 1 --price 1100.00
	[ "$(tsv_pick "$output" "" rate,net,vat)" = "10%|1000.00|100.00" ]
	for bad in 101% -1 abc; do
		run --separate-stderr as root crm-admin vat add x --from 2026-01-01 --rate "$bad"
		[ "$status" -eq 65 ]
	done
}

# ---- stages

# try_move ID STAGE MESSAGE [options]: the move is refused (65) with MESSAGE
# in its words, and nothing the commands show has changed.
try_move() {
	local id=$1 to=$2 msg=$3 before
	shift 3
	before=$(deal_state "$id")
	run --separate-stderr crm-deal stage "$id" "$to" "$@"
	[ "$status" -eq 65 ] || { echo "stage $id $to: status $status: $stderr"; return 1; }
	[ "$output" = '' ] || { echo "stage $id $to printed $output"; return 1; }
	[[ "$stderr" == *"$msg"* ]] || { echo "stage $id $to: $stderr"; return 1; }
	[ "$(deal_state "$id")" = "$before" ] || { echo "stage $id $to changed something"; return 1; }
}

@test "every forbidden move is refused naming what is missing, and changes nothing" {
	id=$(new_deal)
	for s in production stock shipped certification commissioning service closed; do
		try_move "$id" "$s" "deal $id is at selection: it does not move to $s from there"
	done
	try_move "$id" selection "deal $id is at selection already"
	try_move "$id" proposal "cannot move to proposal: it needs a line with a price (crm-deal item add)"
	# A company with no INN needs no KPP named; all the rest is.
	try_move "$id" invoiced "it needs the party's INN (--inn); the party's bank details (--bik, --account, --corr-account); the party's legal address (--address); a line with a price (crm-deal item add)"
	crm-deal item add "$id" CNS-38 --qty 2 >/dev/null
	crm-deal item add "$id" KIT-38 --qty 1 >/dev/null
	crm-deal stage "$id" proposal >/dev/null
	try_move "$id" stock "deal $id is at proposal: it does not move to stock from there"
	run --separate-stderr crm-deal stage "$id" selection
	[ "$status" -eq 0 ]
	crm-deal stage "$id" proposal >/dev/null
	requisites "$id"
	# Invoicing reserved the spare parts and has the pumps made: production.
	crm-deal stage "$id" invoiced >/dev/null
	for s in selection proposal invoiced shipped closed; do
		try_move "$id" "$s" "deal $id is at production: it does not move to $s from there"
	done
	try_move "$id" stock "cannot move to stock: it needs every line reserved in full and on hand"
	# Pumps found on the shelf after all, reserved by hand: the deal may move.
	CRM_USER=wes crm-stock receive --item CNS-38 --lot L1 --qty 2 >/dev/null
	crm-stock reserve --item CNS-38 --qty 2 --ref "DEAL-$id" >/dev/null
	crm-deal stage "$id" stock >/dev/null
	try_move "$id" shipped "cannot move to shipped: it needs every line shipped in full (crm-deal ship); the waybill number (--waybill)"
	CRM_USER=wes crm-stock ship --ref "DEAL-$id" >/dev/null
	try_move "$id" shipped "cannot move to shipped: it needs the waybill number (--waybill)"
	crm-deal set "$id" --waybill 'ТН-77' >/dev/null
	crm-deal stage "$id" shipped >/dev/null
	try_move "$id" certification "it needs an item that needs certification (none of the lines does: move to commissioning)"
	try_move "$id" service "deal $id is at shipped: it does not move to service from there"
	crm-deal stage "$id" commissioning >/dev/null
	try_move "$id" closed "deal $id is at commissioning: it does not move to closed from there"
	crm-deal stage "$id" service >/dev/null
	try_move "$id" closed "cannot move to closed: it needs payment in full (382500.50 owed); the shipping documents (a waybill or a tax invoice, crm-deal doc add); the commissioning act (crm-deal doc add --kind commissioning-act); the service talk (crm-deal service --accepted or --declined)"
	run --separate-stderr crm-deal stage "$id" lost
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"needs --lost-reason"* ]]
	[ "$(stage_of "$id")" = service ]
	[ "$(moves_of "$id" stage)" = "selection proposal selection proposal invoiced production stock shipped commissioning service" ]
}

@test "the invoice needs an INN with good check digits, a KPP for 10 digits, bank details checked against the BIK" {
	id=$(new_deal)
	crm-deal item add "$id" KIT-38 --qty 1 >/dev/null
	before=$(deal_state "$id")
	run --separate-stderr crm-deal set "$id" --inn 7707083894
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'bad INN "7707083894": the check digit does not match'* ]]
	run --separate-stderr crm-deal set "$id" --inn 77070838
	[ "$status" -eq 65 ]
	run --separate-stderr crm-deal set "$id" --kpp 77070100
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'bad KPP "77070100"'* ]]
	run --separate-stderr crm-deal set "$id" --bik 04452522
	[ "$status" -eq 65 ]
	# A mistyped digit of the account, set with its BIK, is refused when set.
	run --separate-stderr crm-deal set "$id" --bik 044525225 --account 40702810500000001235 \
		--corr-account 30101810400000000225
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'bad account "40702810500000001235": its control digit does not match BIK 044525225'* ]]
	run --separate-stderr crm-deal set "$id" --bik 044525225 --account 40702810500000001234 \
		--corr-account 30101810400000000226
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'bad correspondent account "30101810400000000226"'* ]]
	[ "$(deal_state "$id")" = "$before" ]
	crm-deal set "$id" --inn 7707083893 --bik 044525225 --account 40702810500000001234 \
		--corr-account 30101810400000000225 --address 'г. Пенза' >/dev/null
	try_move "$id" invoiced "cannot move to invoiced: it needs the party's KPP (--kpp)"
	[[ "$stderr" != *"INN"* && "$stderr" != *"bank"* && "$stderr" != *"address"* ]]
	# A 12-digit INN (a sole trader) needs no KPP.
	crm-deal set "$id" --inn 500100732259 >/dev/null
	run --separate-stderr crm-deal stage "$id" invoiced -H --columns stage
	[ "$status" -eq 0 ]
	[ "$output" = stock ]
	[ "$(dshow "$id" party inn)|$(dshow "$id" party bik)|$(dshow "$id" party account)|$(dshow "$id" party corr_account)" = \
		"500100732259|044525225|40702810500000001234|30101810400000000225" ]
}

@test "a private person is invoiced without requisites; a contact and the needs are still needed" {
	r=$(new_request 'Иванов' ivan --needs 'насос на дачу')
	id=$(crm-deal new --from-request "$r" --private -H --columns id)
	crm-deal item add "$id" KIT-38 --qty 1 >/dev/null
	run --separate-stderr crm-deal stage "$id" invoiced -H --columns stage,total
	[ "$status" -eq 0 ]
	[ "$output" = $'stock\t12500.50' ]
}

@test "--dry-run names the failing checks, or shows a move that holds, and writes nothing" {
	id=$(new_deal)
	crm-deal item add "$id" KIT-38 --qty 1 >/dev/null
	before=$(deal_state "$id")
	run --separate-stderr crm-deal stage "$id" invoiced --dry-run
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"cannot move to invoiced: it needs the party's INN"* ]]
	[ "$(deal_state "$id")" = "$before" ]
	requisites "$id"
	before=$(deal_state "$id")
	run --separate-stderr crm-deal stage "$id" invoiced -n --columns id,stage,total
	[ "$status" -eq 0 ]
	[ "$output" = $'id\tstage\ttotal\n'"$id"$'\tstock\t12500.50' ]
	[[ "$stderr" == *"dry run: nothing was written"* ]]
	[ "$(deal_state "$id")" = "$before" ]
	[ "$(stage_of "$id")" = selection ]
	[ "$(dshow "$id" deal invoiced)" = '' ]
	run --separate-stderr as anna crm-deal stage "$id" closed --force --reason x --dry-run
	[ "$status" -eq 0 ]
	[ "$(deal_state "$id")" = "$before" ]
}

@test "a batch of moves from stdin is all or nothing; --keep-going keeps the good ones" {
	a=$(new_deal 'А')
	b=$(new_deal 'Б')
	c=$(new_deal 'В')
	for id in "$a" "$b" "$c"; do crm-deal item add "$id" KIT-38 --qty 1 >/dev/null; done
	requisites "$a"
	requisites "$c"
	before=$(deal_state "$a"; deal_state "$b"; deal_state "$c")
	run --separate-stderr bash -c 'crm-deal list --stage selection | crm-deal stage invoiced'
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"line 3: deal $b cannot move to invoiced: it needs the party's INN"* ]]
	[[ "$stderr" == *"nothing was written"* ]]
	[ "$(deal_state "$a"; deal_state "$b"; deal_state "$c")" = "$before" ]
	run --separate-stderr bash -c 'crm-deal list --stage selection | crm-deal stage invoiced --dry-run --keep-going'
	[ "$(deal_state "$a"; deal_state "$b"; deal_state "$c")" = "$before" ]
	run --separate-stderr bash -c 'crm-deal list --stage selection | crm-deal stage invoiced --keep-going -H --columns id,stage'
	[ "$status" -eq 65 ]
	[ "$output" = "$a"$'\tstock\n'"$c"$'\tstock' ]
	[[ "$stderr" == *"line 3: deal $b cannot move"* ]]
	[ "$(stage_of "$a")|$(stage_of "$b")|$(stage_of "$c")" = "stock|selection|stock" ]
	# Ids as arguments, and another key column.
	crm-deal set "$b" --private >/dev/null
	run --separate-stderr bash -c "printf 'deal\n$b\n' | crm-deal stage --key deal invoiced -H --columns stage"
	[ "$status" -eq 0 ]
	[ "$output" = stock ]
}

# ---- the rest of the path

@test "a deal from stock walks to closed with the service declined" {
	id=$(stocked_deal)
	[ "$(stage_of "$id")" = stock ]
	# The pumps were made: the deal moved by itself, and the manager is to ship.
	[ "$(deal_tasks)" = "ivan:Goods for deal $id are in stock: ship" ]
	[ "$(moves_of "$id" stage,reason)" = "selection| invoiced| production|by the order's coverage stock|the goods arrived" ]
	crm-task list --kind deal --mine | crm-task done >/dev/null
	[ "$(dshow "$id" order | paste -sd' ' -)" = "CNS-38=ordered 2, reserved 2, shipped 0 KIT-38=ordered 1, reserved 1, shipped 0" ]
	run --separate-stderr as wes crm-stock ship --ref "DEAL-$id"
	[ "$status" -eq 0 ]
	[ "$(dshow "$id" order | paste -sd' ' -)" = "CNS-38=ordered 2, reserved 0, shipped 2 KIT-38=ordered 1, reserved 0, shipped 1" ]
	run --separate-stderr crm-deal set "$id" --waybill 'ТН-118' -H --columns id
	[ "$status" -eq 0 ]
	[ "$(dshow "$id" deal waybill)" = 'ТН-118' ]
	run --separate-stderr crm-deal stage "$id" shipped -H --columns stage
	[ "$output" = shipped ]
	run --separate-stderr crm-deal stage "$id" commissioning -H --columns stage
	[ "$output" = commissioning ]
	run --separate-stderr crm-deal service "$id" --declined
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"the service talk comes at service"* ]]
	run --separate-stderr crm-deal stage "$id" service -H --columns stage
	[ "$output" = service ]
	[ "$(deal_tasks)" = "ivan:Offer service for deal $id" ]
	[[ "$(dshow "$id" task)" == *"Offer service for deal $id"* ]]
	run --separate-stderr crm-deal service "$id" --declined --note 'своя служба'
	[ "$status" -eq 0 ]
	[ "$(deal_tasks)" = "" ]
	[ "$(dshow "$id" deal service)" = declined ]
	try_move "$id" closed "it needs payment in full (364000.50 owed); the shipping documents (a waybill or a tax invoice, crm-deal doc add); the commissioning act (crm-deal doc add --kind commissioning-act)"
	[[ "$stderr" != *"service"* ]]
	crm-deal pay "$id" 364000.50 >/dev/null
	crm-deal doc add "$id" --kind tax-invoice --number 'УПД-118' >/dev/null
	try_move "$id" closed "cannot move to closed: it needs the commissioning act (crm-deal doc add --kind commissioning-act)"
	crm-deal doc add "$id" --kind commissioning-act --number 'А-1' --date 2026-11-25 >/dev/null
	run --separate-stderr crm-deal stage "$id" closed -H --columns stage,total,paid
	[ "$status" -eq 0 ]
	[ "$output" = $'closed\t364000.50\t364000.50' ]
	[ "$(moves_of "$id" stage)" = "selection invoiced production stock shipped commissioning service closed" ]
	try_move "$id" lost "deal $id is at closed: it does not move to lost from there" --lost-reason price
	[ "$(count_of crm-deal list --stage closed)" -eq 1 ]
}

@test "service accepted gives the task to sign the contract, which closing then needs" {
	id=$(shipped_deal)
	crm-deal stage "$id" commissioning >/dev/null
	crm-deal stage "$id" service >/dev/null
	run --separate-stderr crm-deal service "$id"
	[ "$status" -eq 64 ]
	run --separate-stderr crm-deal service "$id" --accepted --declined
	[ "$status" -eq 64 ]
	run --separate-stderr as petr crm-deal service "$id" --accepted
	[ "$status" -eq 77 ]
	run --separate-stderr crm-deal service "$id" --accepted --note 'на год'
	[ "$status" -eq 0 ]
	[ "$(deal_tasks)" = "ivan:Sign the service contract for deal $id" ]
	[ "$(dshow "$id" deal service)" = accepted ]
	crm-deal pay "$id" 364000.50 >/dev/null
	crm-deal doc add "$id" --kind waybill --number 'ТН-1' >/dev/null
	crm-deal doc add "$id" --kind commissioning-act --number 'А-1' >/dev/null
	try_move "$id" closed "cannot move to closed: it needs the service contract (crm-deal doc add --kind service-contract)"
	crm-deal doc add "$id" --kind service-contract --number 'СД-1' >/dev/null
	run --separate-stderr crm-deal stage "$id" closed -H --columns stage
	[ "$status" -eq 0 ]
	[ "$output" = closed ]
}

@test "a deal partly in production moves to stock when the rest is made and reserved" {
	id=$(invoiced_deal)
	# The order reserved the spare parts from the shelf and has the pumps made.
	[ "$(stage_of "$id")" = production ]
	[ "$(dshow "$id" order | paste -sd' ' -)" = "CNS-38=ordered 2, reserved 0, shipped 0, in production 2 (planned ?, 0%) KIT-38=ordered 1, reserved 1, shipped 0" ]
	try_move "$id" stock "cannot move to stock: it needs every line reserved in full and on hand"
	p=$(production_of "$id")
	as anna crm-stock production set "$p" --planned 2026-12-10 --progress 40 >/dev/null
	[[ "$(dshow "$id" order)" == *"CNS-38=ordered 2, reserved 0, shipped 0, in production 2 (planned 2026-12-10, 40%)"* ]]
	[ "$(deal_tasks)" = "" ]
	as wes crm-stock production done "$p" --lot P1 >/dev/null
	[[ "$(dshow "$id" order)" == *"CNS-38=ordered 2, reserved 2, shipped 0"* ]]
	[ "$(stage_of "$id")" = stock ]
	[ "$(deal_tasks)" = "ivan:Goods for deal $id are in stock: ship" ]
	# Making the order again doubles nothing.
	run --separate-stderr crm-deal order "$id"
	[ "$status" -eq 0 ]
	[ "$output" = $'item\tordered\treserved\tshipped\tproduction\tsupplier\nCNS-38\t2\t2\t0\t0\t0\nKIT-38\t1\t1\t0\t0\t0' ]
	# Shipping part of it is not enough for shipped.
	crm-deal set "$id" --waybill 'ТН-5' >/dev/null
	run --separate-stderr as wes crm-stock ship --item KIT-38 --qty 1
	try_move "$id" shipped "every line shipped in full"
}

@test "certification only with a certifiable item; commissioning needs a certificate for each" {
	CRM_USER=wes crm-stock item add CMP-5 --name 'Компрессор' --price 50000.00 --certifiable yes >/dev/null
	CRM_USER=wes crm-stock item add CMP-6 --name 'Компрессор 6' --price 60000.00 --certifiable yes >/dev/null
	id=$(new_deal)
	crm-deal item add "$id" CMP-5 --qty 1 >/dev/null
	crm-deal item add "$id" CMP-6 --qty 1 >/dev/null
	crm-deal item add "$id" KIT-38 --qty 1 >/dev/null
	requisites "$id"
	for i in CMP-5 CMP-6; do
		CRM_USER=wes crm-stock receive --item "$i" --lot "L-$i" --qty 1 >/dev/null
	done
	# All on the shelf: invoicing reserves it all, and the deal is at stock.
	crm-deal stage "$id" invoiced >/dev/null
	[ "$(stage_of "$id")" = stock ]
	CRM_USER=wes crm-stock ship --ref "DEAL-$id" >/dev/null
	crm-deal set "$id" --waybill 'ТН-9' >/dev/null
	crm-deal stage "$id" shipped >/dev/null
	try_move "$id" commissioning "cannot move to commissioning: it needs a certificate for each certifiable item (crm-deal doc add --kind certificate --item CODE)"
	run --separate-stderr crm-deal stage "$id" certification -H --columns stage
	[ "$status" -eq 0 ]
	[ "$output" = certification ]
	run --separate-stderr crm-deal doc add "$id" --kind certificate --number 'С-1'
	[ "$status" -eq 64 ]
	run --separate-stderr crm-deal doc add "$id" --kind certificate --number 'С-1' --item NOSUCH
	[ "$status" -eq 65 ]
	crm-deal doc add "$id" --kind certificate --number 'С-1' --item CMP-5 >/dev/null
	# A certificate of an item that needs none does not stand for another's.
	crm-deal doc add "$id" --kind certificate --number 'С-2' --item KIT-38 >/dev/null
	try_move "$id" commissioning "a certificate for each certifiable item"
	crm-deal doc add "$id" --kind certificate --number 'С-3' --item CMP-6 >/dev/null
	run --separate-stderr crm-deal stage "$id" commissioning -H --columns stage
	[ "$status" -eq 0 ]
	[ "$output" = commissioning ]
	[ "$(moves_of "$id" stage)" = "selection invoiced stock shipped certification commissioning" ]
}

@test "a lost deal needs a reason from the list, other needs a note; the head gets a task linked to it" {
	id=$(invoiced_deal)
	before=$(deal_state "$id")
	run --separate-stderr crm-deal stage "$id" lost
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"needs --lost-reason"* ]]
	run --separate-stderr crm-deal stage "$id" lost --lost-reason weather
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'"weather"'*competitor* ]]
	run --separate-stderr crm-deal stage "$id" lost --lost-reason other
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"--note"* ]]
	[ "$(deal_state "$id")" = "$before" ]
	run --separate-stderr crm-deal stage "$id" lost --lost-reason other --note 'закрылись' -H --columns stage
	[ "$status" -eq 0 ]
	[ "$output" = lost ]
	[ "$(dshow "$id" deal lost_reason)|$(dshow "$id" deal lost_note)" = "other|закрылись" ]
	[ "$(deal_tasks)" = "anna:Check the manager's work on deal $id (lost)" ]
	[[ "$(dshow "$id" task)" == *"anna: Check the manager's work on deal $id (lost)"* ]]
	[ "$(listing crm-task list --kind deal -H --columns party)" = "$(dshow "$id" party id)" ]
	try_move "$id" selection "deal $id is at lost: it does not move to selection from there"
	try_move "$id" lost "deal $id is at lost already" --lost-reason price
	# From selection too, with a reason the admin added.
	CRM_USER=root crm-admin choice add lost 'sanctions'
	b=$(new_deal 'Б')
	run --separate-stderr crm-deal stage "$b" lost --lost-reason sanctions -H --columns stage
	[ "$status" -eq 0 ]
	[ "$(count_of crm-task list --kind deal)" -eq 2 ]
}

# ---- payments, documents

@test "payments: a partial one, a refund needs a reason, an over-payment is an advance" {
	id=$(new_deal)
	crm-deal item add "$id" KIT-38 --qty 1 --price 1000.00 >/dev/null
	run --separate-stderr crm-deal pay "$id" 100.00
	[ "$status" -eq 0 ]
	[ "$output" = $'deal\tinvoiced\tpaid\towed\tadvance\n'"$id"$'\t0.00\t100.00\t0.00\t100.00' ]
	requisites "$id"
	crm-deal stage "$id" invoiced >/dev/null
	run --separate-stderr crm-deal balance "$id"
	[ "$output" = $'deal\tinvoiced\tpaid\towed\tadvance\n'"$id"$'\t1000.00\t100.00\t900.00\t0.00' ]
	run --separate-stderr crm-deal pay "$id" 400.00 --date 2026-11-20 --ref 'п/п 118'
	[ "$(tsv_pick "$output" "" invoiced,paid,owed,advance)" = "1000.00|500.00|500.00|0.00" ]
	before=$(deal_state "$id")
	run --separate-stderr crm-deal pay "$id" -- -50.00
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"needs --reason"* ]]
	for bad in 0 abc 1.234 ''; do
		run --separate-stderr crm-deal pay "$id" "$bad"
		[ "$status" -eq 65 ]
	done
	[ "$(deal_state "$id")" = "$before" ]
	run --separate-stderr crm-deal pay "$id" --reason 'брак' -- -50.00
	[ "$status" -eq 0 ]
	[ "$(tsv_pick "$output" "" paid,owed)" = "450.00|550.00" ]
	run --separate-stderr crm-deal pay "$id" 700.00
	[ "$status" -eq 0 ]
	[ "$(tsv_pick "$output" "" invoiced,paid,owed,advance)" = "1000.00|1150.00|0.00|150.00" ]
	[ "$(deal_row "$id" paid)" = 1150.00 ]
	[ "$(dshow "$id" payment | paste -sd'|' -)" = "2026-11-20=400.00 п/п 118|2026-11-26=100.00|2026-11-26=-50.00 (брак)|2026-11-26=700.00" ]
	b=$(new_deal 'Б')
	run --separate-stderr crm-deal balance "$id" "$b" -H
	[ "$output" = "$id"$'\t1000.00\t1150.00\t0.00\t150.00\n'"$b"$'\t0.00\t0.00\t0.00\t0.00' ]
}

@test "doc add: a missing file exits 66; a real one is kept with its size and SHA-256" {
	id=$(new_deal)
	before=$(deal_state "$id")
	run --separate-stderr crm-deal doc add "$id" --kind contract --number 'Д-1' --file "$BATS_TEST_TMPDIR/nosuch.pdf"
	[ "$status" -eq 66 ]
	[[ "$stderr" == *"nosuch.pdf"* ]]
	run --separate-stderr crm-deal doc add "$id" --kind contract --number 'Д-1' --file "$BATS_TEST_TMPDIR"
	[ "$status" -eq 66 ]
	run --separate-stderr crm-deal doc add "$id" --kind bill --number 'Д-1'
	[ "$status" -eq 64 ]
	run --separate-stderr crm-deal doc add "$id" --kind contract
	[ "$status" -eq 64 ]
	run --separate-stderr crm-deal doc add "$id" --kind contract --number 'Д-1' --date 2026-13-45
	[ "$status" -eq 65 ]
	[ "$(deal_state "$id")" = "$before" ]
	head -c 100000 /dev/urandom > "$BATS_TEST_TMPDIR/Договор №1.pdf"
	run --separate-stderr crm-deal doc add "$id" --kind contract --number 'Д-1' --date 2026-11-20 \
		--file "$BATS_TEST_TMPDIR/Договор №1.pdf"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'id\tdeal\tkind\tnumber\tdate\titem\tfile\tsize\tsha256' ]
	[ "$(tsv_pick "$output" "" deal,kind,number,date,size)" = "$id|contract|Д-1|2026-11-20|100000" ]
	[ "$(tsv_get "$output" sha256)" = "$(sha256sum "$BATS_TEST_TMPDIR/Договор №1.pdf" | cut -d' ' -f1)" ]
	[[ "$(tsv_get "$output" file)" == *"Договор №1.pdf" ]]
	b=$(new_deal 'Б')
	crm-deal doc add "$b" --kind invoice --number 'С-2' >/dev/null
	[ "$(count_of crm-deal doc list)" -eq 2 ]
	[ "$(listing crm-deal doc list "$b" -H --columns deal,kind,number,date)" = "$b"$'\tinvoice\tС-2\t2026-11-26' ]
	[[ "$(dshow "$id" document)" == *"contract=Д-1 of 2026-11-20"* ]]
	run --separate-stderr crm-deal doc add 99 --kind contract --number 1
	[ "$status" -eq 65 ]
}

# ---- list, pipeline

# The ids crm-deal list "$@" prints, comma-separated ("" when none).
ids_of() {
	listing crm-deal list -H --columns id "$@" | paste -sd, -
}

@test "list filters by stage, manager, mine, department, party and staleness; 1 when nothing matches" {
	export CRM_NOW=2026-11-01T10:00:00Z
	a=$(new_deal 'А')
	b=$(invoiced_deal 'Б')
	export CRM_NOW=2026-11-26T10:00:00Z
	c=$(new_deal 'В' petr)
	r=$(new_request 'Г' olga)
	d=$(as olga crm-deal new --from-request "$r" --legal-name x -H --columns id)
	[ "$(ids_of)" = "$a,$b,$c,$d" ]
	[ "$(ids_of --stage selection)" = "$a,$c,$d" ]
	[ "$(ids_of --stage production)" = "$b" ]
	run --separate-stderr crm-deal list --stage invoiced
	[ "$status" -eq 1 ]
	[ "$(ids_of --manager ivan)" = "$a,$b" ]
	[ "$(CRM_READER=petr ids_of --mine)" = "$c" ]
	[ "$(ids_of --dept hight)" = "$d" ]
	[ "$(ids_of --dept prom --stage selection)" = "$a,$c" ]
	[ "$(ids_of --party "$(dshow "$c" party id)")" = "$c" ]
	[ "$(ids_of --stale 14d)" = "$a,$b" ]
	[ "$(ids_of --stale 30d)" = "" ]
	crm-deal set "$a" --title 'свежий' >/dev/null
	[ "$(ids_of --stale 14d)" = "$b" ]
	run --separate-stderr crm-deal list --stage closed
	[ "$status" -eq 1 ]
	[ "$output" = $'id\tstage\ttitle\tparty\tparty_name\tmanager\tdept\ttotal\tpaid\tupdated\tclose_by' ]
	run --separate-stderr crm-deal list --manager mila
	[ "$status" -eq 1 ]
	run --separate-stderr crm-deal list --manager nobody
	[ "$status" -ne 0 ] && [ "$status" -ne 1 ]
	run --separate-stderr crm-deal list --manager ivan --mine
	[ "$status" -eq 64 ]
	run --separate-stderr crm-deal list --columns id,nosuch
	[ "$status" -eq 64 ]
}

@test "list --waiting payment, goods and documents" {
	a=$(new_deal 'А')
	crm-deal item add "$a" KIT-38 --qty 1 >/dev/null
	b=$(invoiced_deal 'Б')
	c=$(shipped_deal 'В')
	d=$(invoiced_deal 'Г')
	crm-deal pay "$d" 364000.50 >/dev/null
	crm-deal pay "$a" 100.00 >/dev/null
	[ "$(ids_of --waiting payment)" = "$b,$c" ]
	[ "$(ids_of --waiting goods)" = "$b,$d" ]
	[ "$(ids_of --waiting documents)" = "$c" ]
	crm-deal doc add "$c" --kind waybill --number 'ТН-1' >/dev/null
	run --separate-stderr crm-deal list --waiting documents
	[ "$status" -eq 1 ]
	crm-deal pay "$c" 364000.00 >/dev/null
	[ "$(ids_of --waiting payment)" = "$b,$c" ]
	crm-deal pay "$c" 0.50 >/dev/null
	[ "$(ids_of --waiting payment)" = "$b" ]
	# A lost deal waits for nothing.
	crm-deal stage "$b" lost --lost-reason price >/dev/null
	run --separate-stderr crm-deal list --waiting payment
	[ "$status" -eq 1 ]
	run --separate-stderr crm-deal list --waiting money
	[ "$status" -eq 64 ]
	[[ "$stderr" == *'--waiting is payment, goods or documents, not "money"'* ]]
}

@test "pipeline counts and sums every stage; --by manager and dept the groups that have deals" {
	a=$(invoiced_deal 'А')
	b=$(invoiced_deal 'Б' petr)
	c=$(new_deal 'В')
	crm-deal item add "$c" KIT-38 --qty 2 >/dev/null
	r=$(new_request 'Г' olga)
	d=$(as olga crm-deal new --from-request "$r" --legal-name x -H --columns id)
	run --separate-stderr crm-deal pipeline
	[ "$status" -eq 0 ]
	[ "$output" = "stage	count	total
selection	2	25001.00
proposal	0	0.00
invoiced	0	0.00
production	2	728001.00
stock	0	0.00
shipped	0	0.00
certification	0	0.00
commissioning	0	0.00
service	0	0.00
closed	0	0.00
lost	0	0.00" ]
	run --separate-stderr as mila crm-deal pipeline --by manager
	[ "$status" -eq 0 ]
	[ "$output" = "stage	manager	count	total
selection	ivan	1	25001.00
selection	olga	1	0.00
production	ivan	1	364000.50
production	petr	1	364000.50" ]
	run --separate-stderr crm-deal pipeline --by dept
	[ "$output" = "stage	dept	count	total
selection	hight	1	0.00
selection	prom	1	25001.00
production	prom	2	728001.00" ]
	run --separate-stderr crm-deal pipeline --by region
	[ "$status" -eq 64 ]
}

# ---- hostile input

@test "bad ids, verbs, options, stages, list values and VAT codes are refused with a message" {
	id=$(new_deal)
	before=$(deal_state "$id")
	for bad in abc 0 1x 1.5 99999999999999999999 ''; do
		run --separate-stderr crm-deal show "$bad"
		[ "$status" -eq 64 ] || [ "$status" -eq 65 ]
		[[ "$stderr" == *"bad id"* ]]
	done
	run --separate-stderr crm-deal show -- -1
	[ "$status" -eq 64 ]
	run --separate-stderr crm-deal show 99
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"no deal 99"* ]]
	run --separate-stderr crm-deal stage 99 proposal
	[ "$status" -eq 65 ]
	run --separate-stderr crm-deal frob
	[ "$status" -eq 64 ]
	[[ "$stderr" == *'unknown verb "frob"'* ]]
	run --separate-stderr crm-deal
	[ "$status" -eq 64 ]
	run --separate-stderr crm-deal list --frob
	[ "$status" -eq 64 ]
	run --separate-stderr crm-deal show --qty 1 "$id"
	[ "$status" -eq 64 ]
	run --separate-stderr crm-deal stage "$id" won
	[ "$status" -eq 64 ]
	[[ "$stderr" == *'unknown stage "won"'* ]]
	# An id without the stage is refused before stdin is read.
	run --separate-stderr crm-deal stage "$id" < /dev/null
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"unknown stage \"$id\""* ]]
	run --separate-stderr crm-deal list --stage won
	[ "$status" -eq 64 ]
	run --separate-stderr crm-deal set "$id" --vat reduced
	[ "$status" -eq 65 ]
	run --separate-stderr crm-deal set "$id" --close-by 2026-02-30
	[ "$status" -eq 65 ]
	run --separate-stderr crm-deal set "$id" --close-by tomorrow
	[ "$status" -eq 65 ]
	run --separate-stderr crm-deal set "$id" --dept nosuch
	[ "$status" -eq 65 ]
	run --separate-stderr crm-deal set "$id" --area $'heating\n'
	[ "$status" -eq 65 ]
	run --separate-stderr crm-deal new --from-request 1 --party 1
	[ "$status" -eq 64 ]
	run --separate-stderr crm-deal new
	[ "$status" -eq 64 ]
	run --separate-stderr crm-deal new --from-request abc
	[ "$status" -eq 64 ]
	run --separate-stderr crm-deal item frob "$id" KIT-38
	[ "$status" -eq 64 ]
	run --separate-stderr crm-deal item add abc KIT-38 --qty 1
	[ "$status" -eq 64 ] || [ "$status" -eq 65 ]
	[[ "$stderr" == *'bad id "abc"'* ]]
	run --separate-stderr crm-deal pay "$id"
	[ "$status" -eq 64 ]
	# Ids on stdin: a bad one names its line, a missing key column is refused.
	run --separate-stderr bash -c "printf 'id\n$id\nabc\n' | crm-deal stage lost --lost-reason price"
	[ "$status" -eq 64 ] || [ "$status" -eq 65 ]
	[[ "$stderr" == *'line 3: bad id "abc"'* ]]
	run --separate-stderr bash -c "printf 'deal\n$id\n' | crm-deal show"
	[ "$status" -eq 64 ] || [ "$status" -eq 65 ]
	[[ "$stderr" == *'no column "id"'* ]]
	run --separate-stderr bash -c "printf 'id\tx\n$id\n' | crm-deal show"
	[ "$status" -eq 65 ]
	[ "$(deal_state "$id")" = "$before" ]
}

@test "a huge quantity, price or amount is refused with a message, not a crash" {
	id=$(new_deal)
	crm-deal item add "$id" KIT-38 --qty 1 >/dev/null
	before=$(deal_state "$id")
	run --separate-stderr crm-deal item add "$id" CNS-38 --qty 99999999999999999999
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'bad quantity'* || "$stderr" == *'too large'* ]]
	run --separate-stderr crm-deal item add "$id" CNS-38 --qty 1 --price 99999999999999999999.99
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'bad amount "99999999999999999999.99"'* ]]
	run --separate-stderr crm-deal item add "$id" CNS-38 --qty 1 --price 99999999999999999
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'too large'* ]]
	run --separate-stderr crm-deal item add "$id" CNS-38 --qty 9999999 --price 99999999999.99
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"item CNS-38: amount too large"* ]]
	run --separate-stderr crm-deal item set "$id" KIT-38 --qty 9223372036854775
	[ "$status" -eq 65 ]
	run --separate-stderr crm-deal item add "$id" CNS-38 --qty 1 --discount 99999999999999999999.00
	[ "$status" -eq 65 ]
	run --separate-stderr crm-deal pay "$id" 99999999999999999999.00
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'bad amount'* ]]
	run --separate-stderr crm-deal pay "$id" -- -99999999999999999999.00
	[ "$status" -eq 64 ] || [ "$status" -eq 65 ]
	run --separate-stderr as root crm-admin vat add x --from 2026-01-01 --rate 99999999999999999999%
	[ "$status" -eq 65 ]
	[ "$(deal_state "$id")" = "$before" ]
	# Payments that would not add up are refused, not a database error.
	b=$(new_deal 'Б')
	for i in 1 2 3 4 5 6 7 8 9 10; do crm-deal pay "$b" 9000000000000000.00 >/dev/null; done
	run --separate-stderr crm-deal pay "$b" 9000000000000000.00
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"is too large: its payments would not add up"* ]]
	[ "$(deal_row "$b" paid)" = 90000000000000000.00 ]
	run --separate-stderr crm-deal balance "$b" -H
	[ "$status" -eq 0 ]
	# A big line that fits is kept to the kopeck.
	run --separate-stderr crm-deal item add "$id" CNS-38 --qty 1000000 --price 9999999.99
	[ "$status" -eq 0 ]
	[ "$(tsv_pick "$output" item=CNS-38 total)" = 9999999990000.00 ]
	[ "$(dshow "$id" total total)" = 10000000002500.50 ]
}

@test "values with tabs, newlines and backslashes are kept and printed escaped, one record a line" {
	r=$(new_request)
	title=$'Насос\tЦНС\nвторая строка \\ конец'
	run --separate-stderr crm-deal new --from-request "$r" --legal-name $'ООО\t«Рога»' --title "$title" \
		--needs $'вода\r\nгорячая'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(tsv_get "$output" title)" = 'Насос\tЦНС\nвторая строка \\ конец' ]
	[ "$(tsv_get "$output" title | tsv_unescape)" = "$title" ]
	id=$(tsv_get "$output" id)
	[ "$(dshow "$id" deal needs)" = 'вода\r\nгорячая' ]
	[ "$(dshow "$id" party legal_name)" = 'ООО\t«Рога»' ]
	crm-deal item add "$id" KIT-38 --qty 1 >/dev/null
	run --separate-stderr crm-deal stage "$id" lost --lost-reason other --note $'конкурент\tдешевле\nна 10%'
	[ "$status" -eq 0 ]
	[ "$(dshow "$id" deal lost_note)" = 'конкурент\tдешевле\nна 10%' ]
	run --separate-stderr crm-deal pay "$id" 1.00 --ref $'п/п\t1\n2'
	[ "$status" -eq 0 ]
	[ "$(dshow "$id" payment)" = '2026-11-26=1.00 п/п\t1\n2' ]
	# Every row of show has three fields.
	[ "$(CRM_USER=root crm-deal show "$id" | awk -F'\t' 'NF != 3' | wc -l)" -eq 0 ]
	# The list feeds back into show through stdin.
	run --separate-stderr bash -c 'crm-deal list | crm-deal show -H --columns section,key | grep -c "^deal	title$"'
	[ "$output" = 1 ]
}

# ---- the customer order

@test "the order is made by hand before invoicing, given back in part when a line shrinks, and never doubled" {
	id=$(new_deal)
	crm-deal item add "$id" KIT-38 --qty 3 >/dev/null
	crm-deal item add "$id" CNS-38 --qty 2 >/dev/null
	run --separate-stderr crm-deal order "$id"
	[ "$status" -eq 0 ]
	[ "$output" = $'item\tordered\treserved\tshipped\tproduction\tsupplier\nKIT-38\t3\t3\t0\t0\t0\nCNS-38\t2\t0\t0\t2\t0' ]
	run --separate-stderr crm-deal order "$id"
	[ "$output" = $'item\tordered\treserved\tshipped\tproduction\tsupplier\nKIT-38\t3\t3\t0\t0\t0\nCNS-38\t2\t0\t0\t2\t0' ]
	[ "$(count_of crm-stock production list)" -eq 1 ]
	crm-deal item set "$id" KIT-38 --qty 1 >/dev/null
	crm-deal item set "$id" CNS-38 --qty 1 >/dev/null
	run --separate-stderr crm-deal order "$id" -H --columns item,reserved,production
	[ "$output" = $'KIT-38\t1\t0\nCNS-38\t0\t1' ]
	# What was given back is free again: 99 of the 100 spare parts.
	[[ "$(as wes crm-stock balance KIT-38 -H --columns qty,reserved)" == $'100\t1'* ]]
	crm-deal item rm "$id" CNS-38 >/dev/null
	run --separate-stderr crm-deal order "$id" -H --columns item,reserved,production
	[ "$output" = $'KIT-38\t1\t0' ]
	[ "$(listing crm-stock production list --status all | tsv_pick - "ref=DEAL-$id" status 2>/dev/null || true)" != planned ]
}

@test "two deals for the last units: the first reserves them, the second's line goes to production" {
	CRM_USER=wes crm-stock item add PMP --name 'Насос малый' --price 1000.00 --supply make >/dev/null
	CRM_USER=wes crm-stock receive --item PMP --lot P0 --qty 3 >/dev/null
	a=$(new_deal 'А')
	b=$(new_deal 'Б' petr)
	crm-deal item add "$a" PMP --qty 2 >/dev/null
	as petr crm-deal item add "$b" PMP --qty 2 >/dev/null
	crm-deal order "$a" >/dev/null &
	as petr crm-deal order "$b" >/dev/null &
	wait
	ra=$(crm-deal order "$a" -H --columns reserved,production)
	rb=$(as petr crm-deal order "$b" -H --columns reserved,production)
	# 3 on the shelf: 2 and 1 reserved (in either order), the rest made; never 4.
	[ "$ra|$rb" = $'2\t0|1\t1' ] || [ "$ra|$rb" = $'1\t1|2\t0' ]
}

@test "a bought item is ordered from its supplier, or the one given; one supplier order per supplier" {
	s1=$(as wes crm-stock supplier add 'ООО Клапаны' -H --columns party)
	s2=$(as wes crm-stock supplier add 'ООО Муфты' -H --columns party)
	CRM_USER=wes crm-stock item add VLV --name 'Клапан' --price 500.00 --supply buy --supplier "$s1" >/dev/null
	CRM_USER=wes crm-stock item add CPL --name 'Муфта' --price 300.00 --supply buy >/dev/null
	CRM_USER=wes crm-stock item add SEAL --name 'Уплотнение' --price 100.00 --supply buy --supplier "$s1" >/dev/null
	id=$(new_deal)
	for i in VLV CPL SEAL; do crm-deal item add "$id" "$i" --qty 4 >/dev/null; done
	requisites "$id"
	before=$(deal_state "$id")
	run --separate-stderr crm-deal stage "$id" invoiced
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"CPL is bought and stock does not cover it, and it names no supplier"* ]]
	[ "$(deal_state "$id")" = "$before" ]
	run --separate-stderr crm-stock item set VLV --supplier 999
	[ "$status" -ne 0 ]
	run --separate-stderr as wes crm-stock item set CPL --supplier 999
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"party 999 is not a supplier"* ]]
	as wes crm-stock item set CPL --supplier "$s2" >/dev/null
	run --separate-stderr crm-deal stage "$id" invoiced -H --columns stage
	[ "$status" -eq 0 ]
	[ "$output" = production ]
	orders=$(listing crm-stock supplier-order list)
	[ "$(tsv_pick "$orders" "ref=DEAL-$id" supplier,item,qty | sort | paste -sd' ' -)" = "ООО Клапаны|SEAL|4 ООО Клапаны|VLV|4 ООО Муфты|CPL|4" ]
	[ "$(tsv_pick "$orders" "ref=DEAL-$id" id | sort -u | wc -l)" -eq 2 ]
	# The last delivery moves the deal to stock, with the manager's task.
	for o in $(tsv_pick "$orders" "ref=DEAL-$id" id | sort -u); do
		for i in $(tsv_pick "$orders" "id=$o" item); do
			as wes crm-stock supplier-order receive "$o" --item "$i" --lot "S-$i" >/dev/null
		done
	done
	[ "$(stage_of "$id")" = stock ]
	[ "$(deal_tasks)" = "ivan:Goods for deal $id are in stock: ship" ]
}

@test "crm-deal ship ships what is reserved and records the waybill; the warehouse ships, a manager may not" {
	id=$(stocked_deal)
	run --separate-stderr crm-deal ship "$id" --waybill 'ТН-1'
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"shipping goods needs the role admin or warehouse"* ]]
	run --separate-stderr as wes crm-deal ship "$id" --waybill 'ТН-1'
	[ "$status" -eq 0 ]
	[ "$output" = $'item\tordered\treserved\tshipped\tproduction\tsupplier\nCNS-38\t2\t0\t2\t0\t0\nKIT-38\t1\t0\t1\t0\t0' ]
	[ "$(dshow "$id" deal waybill)" = 'ТН-1' ]
	run --separate-stderr crm-deal stage "$id" shipped -H --columns stage
	[ "$output" = shipped ]
	run --separate-stderr as wes crm-deal ship "$id"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"deal $id is at shipped"* ]]
}

@test "goods bought from a supplier for the deal: production until they come, then stock" {
	sup=$(CRM_USER=wes crm-stock supplier add 'Арматура' --phone '+7 495 000-00-09' -H --columns party)
	CRM_USER=wes crm-stock item add VLV-50 --name 'Задвижка' --price 3000.00 --supply buy \
		--supplier "$sup" >/dev/null
	id=$(new_deal)
	crm-deal item add "$id" VLV-50 --qty 4 >/dev/null
	crm-deal item add "$id" KIT-38 --qty 1 >/dev/null
	requisites "$id"
	# Stock covers part of one line: one valve on hand, three bought.
	CRM_USER=wes crm-stock receive --item VLV-50 --lot V1 --qty 1 >/dev/null
	crm-deal stage "$id" invoiced >/dev/null
	[ "$(dshow "$id" order | head -n 1)" = "VLV-50=ordered 4, reserved 1, shipped 0, from a supplier 3 (expected ?)" ]
	[ "$(stage_of "$id")" = production ]
	[ "$(ids_of --waiting goods)" = "$id" ]
	try_move "$id" stock "every line reserved in full and on hand"
	so=$(tsv_pick "$(listing crm-stock supplier-order list)" "ref=DEAL-$id" id)
	CRM_USER=wes crm-stock supplier-order receive "$so" --item VLV-50 --lot V2 >/dev/null
	[ "$(dshow "$id" order | head -n 1)" = "VLV-50=ordered 4, reserved 4, shipped 0" ]
	[ "$(stage_of "$id")" = stock ]
	[ "$(moves_of "$id" stage)" = "selection invoiced production stock" ]
}

@test "balance --party gives every deal of the party, 1 when it has none" {
	a=$(invoiced_deal)
	p=$(dshow "$a" party id)
	b=$(crm-deal new --party "$p" -H --columns id)
	crm-deal pay "$a" 1000.00 >/dev/null
	run --separate-stderr crm-deal balance --party "$p"
	[ "$status" -eq 0 ]
	[ "$output" = $'deal\tinvoiced\tpaid\towed\tadvance\n'"$a"$'\t364000.50\t1000.00\t363000.50\t0.00\n'"$b"$'\t0.00\t0.00\t0.00\t0.00' ]
	other=$(CRM_USER=wes crm-stock supplier add 'Поставщик' -H --columns party)
	run --separate-stderr crm-deal balance --party "$other"
	[ "$status" -eq 1 ]
	[ "$output" = $'deal\tinvoiced\tpaid\towed\tadvance' ]
	run --separate-stderr crm-deal balance --party "$p" "$a"
	[ "$status" -eq 64 ]
}

# ---- the admin's lists

@test "crm-admin choice: add, list, rm; a value taken off stays on its deals; bad lists and values refused" {
	run --separate-stderr as root crm-admin choice list medium
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'kind\tvalue' ]
	[[ "$output" == *$'medium\twater'* ]]
	as root crm-admin choice add medium 'морская вода'
	run --separate-stderr as root crm-admin choice add medium 'морская вода'
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'medium "морская вода" is on the list already'* ]]
	id=$(new_deal)
	crm-deal set "$id" --medium 'морская вода' >/dev/null
	as root crm-admin choice rm medium 'морская вода'
	run --separate-stderr as root crm-admin choice list medium
	[[ "$output" != *'морская вода'* ]]
	[ "$(dshow "$id" deal medium)" = 'морская вода' ]
	run --separate-stderr crm-deal set "$id" --medium 'морская вода'
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'unknown medium "морская вода"; the list has: '*'water'* ]]
	run --separate-stderr as root crm-admin choice rm medium 'нет такого'
	[ "$status" -eq 65 ]
	run --separate-stderr as root crm-admin choice add colour red
	[ "$status" -eq 64 ]
	[[ "$stderr" == *'unknown list "colour"'* ]]
	run --separate-stderr as root crm-admin choice add area $'two\tcolumns'
	[ "$status" -eq 65 ]
	run --separate-stderr as root crm-admin choice add area "$(printf 'x%.0s' {1..65})"
	[ "$status" -eq 65 ]
	run --separate-stderr crm-admin choice add area mine
	[ "$status" -eq 77 ]
	run --separate-stderr as root crm-admin vat add standard --from 2027-13-40 --rate 25%
	[ "$status" -eq 65 ]
	run --separate-stderr as root crm-admin vat add standard --from 2027-01-01 --rate 125%
	[ "$status" -eq 65 ]
	run --separate-stderr as root crm-admin vat add 'Bad Code' --from 2027-01-01 --rate 5
	[ "$status" -eq 65 ]
	run --separate-stderr as root crm-admin vat add standard --from 2027-01-01
	[ "$status" -eq 64 ]
	[[ "$(as root crm-admin vat list)" != *2027* ]]
}
