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
	export CRM_USER=ivan
	NREQ=0
}

# new_request [COMPANY] [MANAGER] [qualify options...]: a request from a
# new caller, assigned to MANAGER (default ivan) and qualified by them with
# the needs (unless qualify options are given); prints the request's id.
new_request() {
	local company=${1:-Водоканал} who=${2:-ivan} id
	shift 2 2>/dev/null || shift $#
	NREQ=$((NREQ + 1))
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
# spare parts (364000.50 with VAT at 22%), invoiced; prints its id.
invoiced_deal() {
	local id
	id=$(new_deal "$@")
	CRM_USER=anna crm-deal item add "$id" CNS-38 --qty 2 --discount 5% >/dev/null
	CRM_USER=anna crm-deal item add "$id" KIT-38 --qty 1 >/dev/null
	requisites "$id"
	CRM_USER=anna crm-deal stage "$id" invoiced >/dev/null
	echo "$id"
}

# stocked_deal: an invoiced deal whose goods are received and reserved, at stock.
stocked_deal() {
	local id
	id=$(invoiced_deal "$@")
	CRM_USER=wes crm-stock receive --item CNS-38 --lot "L$id" --qty 2 >/dev/null
	CRM_USER=wes crm-stock receive --item KIT-38 --lot "K$id" --qty 1 >/dev/null
	CRM_USER=anna crm-stock reserve --item CNS-38 --qty 2 --ref "DEAL-$id" >/dev/null
	CRM_USER=anna crm-stock reserve --item KIT-38 --qty 1 --ref "DEAL-$id" >/dev/null
	CRM_USER=anna crm-deal stage "$id" stock >/dev/null
	echo "$id"
}

# shipped_deal: a stocked deal shipped with its waybill, at shipped.
shipped_deal() {
	local id
	id=$(stocked_deal "$@")
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
}
