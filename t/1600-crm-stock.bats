#!/usr/bin/env bats
# 1600-crm-stock: items with barcodes checked by their check digit and found
# by any GTIN spelling; warehouses and transfers; receipts with lots and
# expiry; the append-only ledger and balances that agree with it; stock that
# never goes below zero; counts; FEFO reservations, picking and shipping, and
# two reservations racing for the last units; scanning GS1 and EAN data
# (the real scanner vectors in t/fixtures/gs1) for receipts, picking and
# counts, with bad and hostile lines refused one by one.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	crm_setup
	export CRM_USER=wes
}

# The items most tests use: milk (lot-tracked, 10 days' shelf life, a price
# with kopecks, an EAN-13 and an EAN-8), tea (lot-tracked, no shelf life)
# and nails (sold by weight, no lots).
stock_items() {
	crm-stock item add MILK --name "Молоко 3,2%" --unit l --price 125000.50 --shelf-life 10 \
		--barcode 4600000000008,96385074 > /dev/null
	crm-stock item add TEA --name "Чай" --barcode 4006381333931 > /dev/null
	crm-stock item add NAILS --name "Гвозди" --unit kg --lot-tracked no \
		--barcode 4600000000015 > /dev/null
}

# recv ITEM LOT QTY [EXPIRES [DAY]]: receive a lot on DAY (default today).
recv() {
	CRM_NOW="${5:-2026-11-26}T10:00:00Z" crm-stock receive --item "$1" --lot "$2" --qty "$3" \
		${4:+--expires "$4"} > /dev/null
}

# The number of moves in the ledger.
moves() {
	count_of crm-stock moves
}

# Columns $2 of the moves, "|" between columns, " " between moves; only
# those of crm-stock moves options $3... (--doc D, --kind K).
ledger() {
	local cols=$1 out
	shift
	out=$(listing crm-stock moves "$@") || return 1
	tsv_pick "$out" "" "$cols" | paste -sd' ' -
}

# The balance of ITEM's lot LOT in warehouse W (default main), as
# crm-stock balance --by-lot prints it; 0 when the lot has none there.
bal() {
	local out
	out=$(listing crm-stock balance "$1" --by-lot --warehouse "${3:-main}") || return 1
	out=$(tsv_pick "$out" "lot=$2" qty)
	echo "${out:-0}"
}

# Columns $2 of the lots of ITEM $1 (crm-stock balance --by-lot, in the
# order reserve takes them), "|" between columns, " " between lots; of lot
# $3 alone when given.
lots() {
	local out
	out=$(listing crm-stock balance "$1" --by-lot) || return 1
	tsv_pick "$out" "${3:+lot=$3}" "$2" | paste -sd' ' -
}

# The open reservations of ORDER as "lot:qty lot:qty ...", in the order of
# its picking list (by warehouse, item and expiry).
reserved() {
	local out
	out=$(listing crm-stock pick --ref "$1") || return 1
	tsv_pick "$out" "" lot,qty | tr '|' ':' | paste -sd' ' -
}

# The lines of the text corpus as the scanner typed them (\x1D made a GS byte).
corpus_scans() {
	local kind data note
	while IFS=$'\t' read -r kind data note; do
		printf '%b\n' "$data"
	done < "$FIXTURES/gs1/scan-vectors.txt"
}

# The GTINs the VALID corpus lines carry: after (01) in GS1 data, or the
# code itself after ]E0 / ]E4.
corpus_gtins() {
	awk -F'\t' '$1 == "VALID" {
		if ($2 ~ /^\][CedQ][0-9]01[0-9]/) print substr($2, 6, 14)
		else if ($2 ~ /^\]E[04][0-9]/) print substr($2, 4)
	}' "$FIXTURES/gs1/scan-vectors.txt" | sort -u
}

# An item, not lot-tracked (a corpus line carries no lot), for each GTIN.
corpus_items() {
	local g
	for g in $(corpus_gtins); do
		crm-stock item add "GS1-$g" --name "corpus $g" --lot-tracked no --barcode "$g" > /dev/null
	done
}

# ---- items and barcodes

@test "an item is added with its barcodes and listed with the price in kopecks" {
	run --separate-stderr crm-stock item add MILK --name "Молоко 3,2%" --unit l --price 125000.50 \
		--supply make --certifiable yes --shelf-life 10 --barcode 4600000000008,96385074
	[ "$status" -eq 0 ]
	run --separate-stderr crm-stock item list
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'id\tcode\tname\tunit\tprice\tsupply\tcertifiable\tshelf_life\tlot_tracked\tbarcodes' ]
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" name)" = "Молоко 3,2%" ]
	[ "$(tsv_get "$output" unit)" = l ]
	[ "$(tsv_get "$output" price)" = 125000.50 ]
	[ "$(tsv_get "$output" supply)" = make ]
	[ "$(tsv_get "$output" certifiable)" = 1 ]
	[ "$(tsv_get "$output" shelf_life)" = 10 ]
	[ "$(tsv_get "$output" lot_tracked)" = 1 ]
	# Kept as GTIN-14, so every spelling a scanner sends finds them.
	[ "$(tsv_get "$output" barcodes)" = "04600000000008 00000096385074" ]
	# Money is kept as integer kopecks (crm(7)): the stored value itself.
	[ "$(sql "SELECT price FROM item WHERE code = 'MILK'")" -eq 12500050 ]
}

@test "item set changes what it is given, keeps the rest, and adds barcodes" {
	stock_items
	run --separate-stderr crm-stock item set MILK --price 99.9 --name "Молоко" --barcode 036000291452
	[ "$status" -eq 0 ]
	[ "$(tsv_pick "$(crm-stock item list)" code=MILK name,unit,price,shelf_life)" = \
		"Молоко|l|99.90|10" ]
	[ "$(tsv_pick "$(crm-stock item list)" code=MILK barcodes | tr ' ' '\n' | LC_ALL=C sort | paste -sd' ' -)" = \
		"00000096385074 00036000291452 04600000000008" ]
	run --separate-stderr crm-stock item set NOSUCH --name x
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'unknown item "NOSUCH"'* ]]
}

@test "EAN-13, EAN-8, UPC-A and GTIN-14 barcodes are accepted by their check digit" {
	run --separate-stderr crm-stock item add A --name A --barcode 4006381333931,96385074,036000291452,14600000000005
	[ "$status" -eq 0 ]
	[ "$(crm-stock item show A | awk -F'\t' '$1 == "barcode" { print $2 }' | LC_ALL=C sort | tr -d '()' | tr ' ' : | paste -sd' ' -)" = \
		"00000096385074:EAN-8 00036000291452:UPC-A 04006381333931:EAN-13 14600000000005:GTIN-14" ]
}

@test "a wrong check digit is refused naming the digit expected, and the item is not added" {
	run --separate-stderr crm-stock item add A --name A --barcode 4600000000009
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'bad check digit 9 in "4600000000009": expected 8'* ]]
	run --separate-stderr crm-stock item add A --name A --barcode 96385070
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"expected 4"* ]]
	run --separate-stderr crm-stock item add A --name A --barcode 036000291453
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"expected 2"* ]]
	run --separate-stderr crm-stock item add A --name A --barcode 14600000000000
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"expected 5"* ]]
	run --separate-stderr crm-stock item add A --name A --barcode 460000000
	[ "$status" -eq 65 ]
	run --separate-stderr crm-stock item add A --name A --barcode 46000000000x8
	[ "$status" -eq 65 ]
	[ "$(count_of crm-stock item list)" -eq 0 ]
}

@test "a barcode of another item is refused, in any spelling" {
	stock_items
	run --separate-stderr crm-stock item add MILK2 --name "Молоко 2" --barcode 4600000000008
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"barcode 4600000000008 belongs to another item"* ]]
	run --separate-stderr crm-stock item add MILK2 --name "Молоко 2" --barcode 04600000000008
	[ "$status" -eq 65 ]
	run --separate-stderr crm-stock item set TEA --barcode 96385074
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"belongs to another item"* ]]
	[ "$(crm-stock item list -H --columns code | paste -sd' ' -)" = "MILK NAILS TEA" ]
	[ "$(tsv_pick "$(crm-stock item list)" code=MILK barcodes)" = "04600000000008 00000096385074" ]
	[ "$(tsv_pick "$(crm-stock item list)" code=TEA barcodes)" = "04006381333931" ]
}

@test "an item is found by its code and by any spelling of its GTIN" {
	stock_items
	crm-stock item set MILK --barcode 036000291452
	for spelling in MILK 4600000000008 04600000000008 96385074 00000096385074 \
		036000291452 0036000291452 00036000291452; do
		run --separate-stderr crm-stock receive --item "$spelling" --lot L1 --qty 1
		[ "$status" -eq 0 ]
		[ "$(tsv_get "$output" item)" = MILK ]
	done
	[ "$(bal MILK L1)" = 8 ]
	[ "$(lots MILK lot)" = L1 ]
	run --separate-stderr crm-stock balance 04600000000008
	[ "$(tsv_get "$output" qty)" = 8 ]
	run --separate-stderr crm-stock receive --item 4600000000022 --lot L1 --qty 1
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'unknown item "4600000000022"'* ]]
}

@test "a bad supply mode, shelf life, price or flag is refused and adds nothing" {
	for bad in "--supply rent" "--shelf-life 0" "--shelf-life -3" "--shelf-life ten" \
		"--shelf-life 36501" "--price -5" "--price 1.234" "--lot-tracked maybe"; do
		run --separate-stderr crm-stock item add BAD --name Bad $bad
		[ "$status" -eq 65 ]
	done
	run --separate-stderr crm-stock item add BAD --name Bad --supply rent
	[[ "$stderr" == *'supply is stock, make or buy, not "rent"'* ]]
	run --separate-stderr crm-stock item add BAD --name Bad --shelf-life ten
	[[ "$stderr" == *'shelf life is a number of days, not "ten"'* ]]
	[ "$(count_of crm-stock item list)" -eq 0 ]
}

@test "only the warehouse and admin add or change items; a manager gets 77" {
	run --separate-stderr as ivan crm-stock item add A --name A
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"admin or warehouse"* ]]
	run --separate-stderr as mila crm-stock item add A --name A
	[ "$status" -eq 77 ]
	[ "$(count_of crm-stock item list)" -eq 0 ]
	run --separate-stderr as root crm-stock item add A --name A
	[ "$status" -eq 0 ]
	run --separate-stderr as ivan crm-stock item set A --price 5
	[ "$status" -eq 77 ]
	[ "$(tsv_pick "$(crm-stock item list)" code=A code,price)" = "A|" ]
	# Reading is for everyone.
	run --separate-stderr as ivan crm-stock item list
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" code)" = A ]
}

# ---- warehouses and transfers

@test "there is a default warehouse main, and more can be added" {
	run --separate-stderr crm-stock warehouse list
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" code)" = main ]
	[ "$(tsv_get "$output" is_default)" = 1 ]
	run --separate-stderr as root crm-stock warehouse add shop --name "Магазин"
	[ "$status" -eq 0 ]
	run --separate-stderr as root crm-stock warehouse add shop
	[ "$status" -eq 65 ]
	run --separate-stderr crm-stock warehouse list
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "$(awk -F'\t' 'NR > 1 { print $2 "|" $3 "|" $4 }' <<<"$output")" = $'main|Main warehouse|1\nshop|Магазин|0' ]
	# Stock received without --warehouse lands in the default one.
	stock_items
	recv TEA T1 3
	[ "$(bal TEA T1 main)" = 3 ]
}

@test "a transfer takes from one warehouse and puts into the other: two moves, balances right" {
	stock_items
	as root crm-stock warehouse add shop
	recv TEA T1 10
	run --separate-stderr crm-stock transfer --item TEA --lot T1 --qty 4 --warehouse main --to shop --doc TR-1
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "$(ledger kind,warehouse,qty,doc --kind transfer | tr '|' :)" = \
		"transfer:main:-4:TR-1 transfer:shop:4:TR-1" ]
	[ "$(bal TEA T1 main)" = 6 ]
	[ "$(bal TEA T1 shop)" = 4 ]
	run --separate-stderr crm-stock balance TEA --warehouse shop
	[ "$(tsv_get "$output" qty)" = 4 ]
	run --separate-stderr crm-stock check
	[ "$status" -eq 0 ]
}

@test "a transfer to the same warehouse, or more than is there, is refused and moves nothing" {
	stock_items
	as root crm-stock warehouse add shop
	recv TEA T1 10
	before=$(moves)
	run --separate-stderr crm-stock transfer --item TEA --lot T1 --qty 4 --warehouse main --to main
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"another warehouse"* ]]
	run --separate-stderr crm-stock transfer --item TEA --lot T1 --qty 11 --warehouse main --to shop
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"not enough TEA lot T1 in main: 10 free"* ]]
	run --separate-stderr crm-stock transfer --item TEA --lot T1 --qty 1 --to nowhere
	[ "$status" -eq 65 ]
	[ "$(moves)" -eq "$before" ]
	[ "$(bal TEA T1 main)" = 10 ]
}

# ---- receipts

@test "a receipt books the lot with its expiry, the document and who received it" {
	stock_items
	run --separate-stderr crm-stock receive --item TEA --lot T-0425 --qty 12 --expires 2027-04-30 \
		--produced 2026-10-01 --doc INV-77
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'id\tat\tkind\titem\tlot\texpires\twarehouse\tqty\tbalance\tdoc\treason' ]
	[ "$(tsv_get "$output" kind)" = receipt ]
	[ "$(tsv_get "$output" expires)" = 2027-04-30 ]
	[ "$(tsv_get "$output" balance)" = 12 ]
	[ "$(lots TEA lot,expires)" = "T-0425|2027-04-30" ]
	# A lot's production and receipt dates no command shows.
	[ "$(sql "SELECT lot_no || '|' || produced || '|' || expires || '|' || received FROM lot")" = \
		"T-0425|2026-10-01|2027-04-30|2026-11-26" ]
	[ "$(ledger kind,qty,doc,who,at)" = "receipt|12|INV-77|wes|2026-11-26T10:00:00Z" ]
}

@test "without an expiry date the lot expires by the item's shelf life" {
	stock_items
	recv MILK M1 5
	[ "$(lots MILK expires M1)" = 2026-12-06 ]
	# Counted from the production date when there is one.
	crm-stock receive --item MILK --lot M2 --qty 5 --produced 2026-11-20 > /dev/null
	[ "$(lots MILK expires M2)" = 2026-11-30 ]
	# An item without a shelf life gets no expiry.
	recv TEA T1 5
	[ "$(lots TEA lot,expires T1)" = "T1|" ]
}

@test "a lot-tracked item is not received without a lot; an item without lots is" {
	stock_items
	run --separate-stderr crm-stock receive --item TEA --qty 5
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"item TEA is tracked by lot: give its lot"* ]]
	[ "$(moves)" -eq 0 ]
	[ "$(lots TEA lot)" = "" ]
	run --separate-stderr crm-stock receive --item NAILS --qty 5
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" balance)" = 5 ]
}

@test "quantities with decimals are kept exactly and printed without trailing zeros" {
	stock_items
	run --separate-stderr crm-stock receive --item NAILS --qty 2.500
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" qty)" = 2.5 ]
	run --separate-stderr crm-stock receive --item NAILS --qty 1,25
	[ "$(tsv_get "$output" qty)" = 1.25 ]
	[ "$(tsv_get "$output" balance)" = 3.75 ]
	run --separate-stderr crm-stock receive --item NAILS --qty 0.25
	[ "$(tsv_get "$output" balance)" = 4 ]
	[ "$(ledger qty)" = "2.5 1.25 0.25" ]
	run --separate-stderr crm-stock balance NAILS
	[ "$(tsv_get "$output" qty)" = 4 ]
	[ "$(tsv_get "$output" unit)" = kg ]
	# At most thousandths.
	run --separate-stderr crm-stock receive --item NAILS --qty 0.0001
	[ "$status" -eq 65 ]
}

@test "a quantity of zero, below zero or not a number is refused and nothing is written" {
	stock_items
	for q in 0 -1 -0.5 abc ""; do
		run --separate-stderr crm-stock receive --item TEA --lot T1 --qty "$q"
		[ "$status" -ne 0 ]
	done
	run --separate-stderr crm-stock receive --item TEA --lot T1 --qty 0
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"more than zero"* ]]
	run --separate-stderr crm-stock receive --item TEA --lot T1 --qty -1
	[ "$status" -eq 65 ]
	[ "$(moves)" -eq 0 ]
	[ "$(lots TEA lot)" = "" ]
}

@test "a second receipt of a known lot adds to it" {
	stock_items
	recv TEA T1 3 2027-01-31
	run --separate-stderr crm-stock receive --item TEA --lot T1 --qty 4.5
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" balance)" = 7.5 ]
	[ "$(tsv_get "$output" expires)" = 2027-01-31 ]
	[ "$(lots TEA lot)" = T1 ]
	[ "$(moves)" -eq 2 ]
	[ "$(bal TEA T1)" = 7.5 ]
}

@test "produce books a production receipt" {
	stock_items
	run --separate-stderr crm-stock produce --item MILK --lot P-1 --qty 100 --doc PR-5
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" kind)" = production ]
	[ "$(ledger kind,qty,doc)" = "production|100|PR-5" ]
	[ "$(lots MILK lot,expires)" = "P-1|2026-12-06" ]
}

# ---- the ledger

@test "the ledger lists every move with when, who and its document" {
	stock_items
	CRM_NOW=2026-11-24T08:00:00Z crm-stock receive --item TEA --lot T1 --qty 10 --doc INV-1 > /dev/null
	CRM_NOW=2026-11-25T09:30:00Z as root crm-stock ship --item TEA --lot T1 --qty 3 --doc ORD-9 > /dev/null
	crm-stock writeoff --item TEA --lot T1 --qty 1 --reason "damp" > /dev/null
	run --separate-stderr crm-stock moves
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'id\tat\tkind\titem\tlot\twarehouse\tqty\tdoc\treason\twho' ]
	[ "$(tsv_count "$output")" -eq 3 ]
	[ "${lines[1]}" = $'1\t2026-11-24T08:00:00Z\treceipt\tTEA\tT1\tmain\t10\tINV-1\t\twes' ]
	[ "${lines[2]}" = $'2\t2026-11-25T09:30:00Z\tshipment\tTEA\tT1\tmain\t-3\tORD-9\t\troot' ]
	[ "${lines[3]}" = $'3\t2026-11-26T10:00:00Z\twriteoff\tTEA\tT1\tmain\t-1\t\tdamp\twes' ]
	run --separate-stderr crm-stock moves --doc ORD-9
	[ "$(tsv_count "$output")" -eq 1 ]
	run --separate-stderr crm-stock moves --kind receipt
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" doc)" = INV-1 ]
	run --separate-stderr crm-stock moves --since 2026-11-25T00:00:00Z
	[ "$(tsv_count "$output")" -eq 2 ]
	run --separate-stderr crm-stock moves --kind adjustment
	[ "$status" -eq 1 ]
}

@test "the ledger is append-only: UPDATE and DELETE on move fail" {
	stock_items
	recv TEA T1 10
	run sqlite3 "$CRM_DB" "UPDATE move SET qty = 100000"
	[ "$status" -ne 0 ]
	[[ "$output" == *"append-only"* ]]
	run sqlite3 "$CRM_DB" "DELETE FROM move"
	[ "$status" -ne 0 ]
	[[ "$output" == *"append-only"* ]]
	[ "$(ledger kind,qty)" = "receipt|10" ]
}

@test "check passes when the balances equal the ledger" {
	stock_items
	as root crm-stock warehouse add shop
	recv TEA T1 10
	recv MILK M1 2.5 2026-12-01
	crm-stock transfer --item TEA --lot T1 --qty 4 --to shop > /dev/null
	crm-stock ship --item MILK --lot M1 --qty 0.5 > /dev/null
	crm-stock adjust --item TEA --lot T1 --qty 5 > /dev/null
	run --separate-stderr crm-stock check
	[ "$status" -eq 0 ]
	[ "$output" = $'item\tlot\twarehouse\tbalance\tledger' ]
	[ -z "$stderr" ]
}

@test "a balance changed behind the ledger's back makes check exit 65 naming the lot" {
	stock_items
	recv TEA T1 2.5
	sqlite3 "$CRM_DB" "UPDATE balance SET qty = 99"
	run --separate-stderr crm-stock check
	[ "$status" -eq 65 ]
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "${lines[1]}" = $'TEA\tT1\tmain\t0.099\t2.5' ]
	[[ "$stderr" == *"1 balance differs from the ledger"* ]]
}

@test "balance --at a past date sums the ledger up to the end of that day" {
	stock_items
	recv TEA T1 10 "" 2026-11-20
	CRM_NOW=2026-11-22T15:00:00Z crm-stock ship --item TEA --lot T1 --qty 4 > /dev/null
	recv TEA T2 1 "" 2026-11-24
	run --separate-stderr crm-stock balance TEA --at 2026-11-21
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" qty)" = 10 ]
	run --separate-stderr crm-stock balance TEA --at 2026-11-22
	[ "$(tsv_get "$output" qty)" = 6 ]
	run --separate-stderr crm-stock balance TEA --at 2026-11-22T12:00:00Z
	[ "$(tsv_get "$output" qty)" = 10 ]
	run --separate-stderr crm-stock balance TEA --at 2026-11-24 --by-lot
	[ "$(tsv_count "$output")" -eq 2 ]
	run --separate-stderr crm-stock balance TEA
	[ "$(tsv_get "$output" qty)" = 7 ]
	run --separate-stderr crm-stock balance TEA --at 2026-11-19
	[ "$status" -eq 1 ]
	[ "$(tsv_count "$output")" -eq 0 ]
	# From the ledger, not from the balance table.
	sqlite3 "$CRM_DB" "UPDATE balance SET qty = 1"
	run --separate-stderr crm-stock balance TEA --at 2026-11-22
	[ "$(tsv_get "$output" qty)" = 6 ]
}

# ---- never below zero

@test "a shipment larger than what is free fails naming item, lot and the free quantity, and writes nothing" {
	stock_items
	recv TEA T1 2.5
	before=$(moves)
	run --separate-stderr crm-stock ship --item TEA --lot T1 --qty 3
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"not enough TEA lot T1"*"2.5 free"* ]]
	[ -z "$output" ]
	[ "$(moves)" -eq "$before" ]
	[ "$(bal TEA T1)" = 2.5 ]
	run --separate-stderr crm-stock ship --item TEA --lot T1 --qty 2.5
	[ "$status" -eq 0 ]
	[ "$(bal TEA T1)" = 0 ]
	run --separate-stderr crm-stock ship --item TEA --lot T1 --qty 0.001
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"0 free"* ]]
}

@test "a write-off needs a reason and is refused above what is free" {
	stock_items
	recv TEA T1 5
	run --separate-stderr crm-stock writeoff --item TEA --lot T1 --qty 1
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"needs a reason"* ]]
	run --separate-stderr crm-stock writeoff --item TEA --lot T1 --qty 6 --reason "expired"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"not enough TEA lot T1"*"5 free"* ]]
	[ "$(moves)" -eq 1 ]
	run --separate-stderr crm-stock writeoff --item TEA --lot T1 --qty 2 --reason "expired"
	[ "$status" -eq 0 ]
	[ "$(tsv_pick "$(crm-stock moves)" id=2 kind,qty,reason)" = "writeoff|-2|expired" ]
	[ "$(bal TEA T1)" = 3 ]
}

@test "the balance table itself refuses to go below zero" {
	stock_items
	recv TEA T1 1
	run sqlite3 "$CRM_DB" "UPDATE balance SET qty = -1"
	[ "$status" -ne 0 ]
	[ "$(bal TEA T1)" = 1 ]
}

# ---- counts

@test "a count that finds less than the books say makes a negative adjustment with the reason" {
	stock_items
	recv TEA T1 10
	run --separate-stderr crm-stock adjust --item TEA --lot T1 --qty 7 --reason "broken on the shelf" --doc INV-2026-11
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" kind)" = adjustment ]
	[ "$(tsv_get "$output" qty)" = -3 ]
	[ "$(tsv_get "$output" balance)" = 7 ]
	[ "$(tsv_pick "$(crm-stock moves)" id=2 kind,qty,reason,doc)" = \
		"adjustment|-3|broken on the shelf|INV-2026-11" ]
	# More than the books: a positive one; the reason defaults.
	run --separate-stderr crm-stock adjust --item TEA --lot T1 --qty 7.5
	[ "$(tsv_get "$output" qty)" = 0.5 ]
	[ "$(tsv_pick "$(crm-stock moves)" id=3 reason)" = "inventory count" ]
	[ "$(bal TEA T1)" = 7.5 ]
}

@test "a count equal to the books makes no move" {
	stock_items
	recv TEA T1 10
	run --separate-stderr crm-stock adjust --item TEA --lot T1 --qty 10 --reason recount
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(moves)" -eq 1 ]
	run --separate-stderr crm-stock adjust --item TEA --lot T1 --qty -1
	[ "$status" -eq 65 ]
	[ "$(moves)" -eq 1 ]
}

# ---- FEFO

# TEA in lots that FEFO must order: by expiry, then receipt, then id;
# without expiry last; expired never; today's still.
fefo_lots() {
	recv TEA NOEXP 5 "" 2026-11-01
	recv TEA LATE 5 2027-03-01 2026-11-02
	recv TEA SOON-B 5 2026-12-15 2026-11-03 # made first (lower id), received later
	recv TEA SOON-A 5 2026-12-15 2026-11-01
	recv TEA TIE-Z 5 2026-12-20 2026-11-05 # same day, same expiry: the lower id first
	recv TEA TIE-A 5 2026-12-20 2026-11-05
	recv TEA EXPIRED 5 2026-11-25 2026-11-01
	recv TEA TODAY 1 2026-11-26 2026-11-01
}

@test "reserve takes lots by earliest expiry, then earliest receipt, then lowest id, undated ones last" {
	stock_items
	fefo_lots
	run --separate-stderr crm-stock reserve --ref ORD-1 --item TEA --qty 31
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'id\tref\titem\tlot\texpires\twarehouse\tqty\tpicked\tstatus' ]
	[ "$(awk -F'\t' 'NR > 1 { printf "%s%s:%s", (NR > 2 ? " " : ""), $4, $7 }' <<<"$output")" = \
		"TODAY:1 SOON-A:5 SOON-B:5 TIE-Z:5 TIE-A:5 LATE:5 NOEXP:5" ]
	# Kept: the picking list has them all, by expiry (none first), then as made.
	[ "$(reserved ORD-1)" = "NOEXP:5 TODAY:1 SOON-A:5 SOON-B:5 TIE-Z:5 TIE-A:5 LATE:5" ]
	# Reserving moves no stock.
	[ "$(moves)" -eq 8 ]
}

@test "a reservation takes as many lots as it needs, the oldest first" {
	stock_items
	fefo_lots
	run --separate-stderr crm-stock reserve --ref ORD-1 --item TEA --qty 8.5
	[ "$status" -eq 0 ]
	[ "$(reserved ORD-1)" = "TODAY:1 SOON-A:5 SOON-B:2.5" ]
	# The next order starts where it stopped.
	run --separate-stderr crm-stock reserve --ref ORD-2 --item 4006381333931 --qty 3
	[ "$status" -eq 0 ]
	[ "$(reserved ORD-2)" = "SOON-B:2.5 TIE-Z:0.5" ]
	run --separate-stderr crm-stock balance TEA
	[ "$(tsv_get "$output" reserved)" = 11.5 ]
}

@test "a lot expiring today is still reserved; an expired one never is" {
	stock_items
	recv TEA YESTERDAY 5 2026-11-25 2026-11-01
	recv TEA TODAY 2 2026-11-26 2026-11-20
	run --separate-stderr crm-stock reserve --ref ORD-1 --item TEA --qty 2
	[ "$status" -eq 0 ]
	[ "$(reserved ORD-1)" = "TODAY:2" ]
	run --separate-stderr crm-stock reserve --ref ORD-2 --item TEA --qty 1
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"0 free"* ]]
	crm-stock release --ref ORD-1 > /dev/null
	# Tomorrow today's lot has expired too.
	CRM_NOW=2026-11-27T08:00:00Z run --separate-stderr crm-stock reserve --ref ORD-3 --item TEA --qty 1
	[ "$status" -eq 65 ]
	[ "$(lots TEA reserved)" = "0 0" ]
	[ "$(reserved ORD-1)$(reserved ORD-2)$(reserved ORD-3)" = "" ]
}

@test "not enough free stock: exit 65 with the free quantity, and nothing is reserved" {
	stock_items
	fefo_lots
	crm-stock reserve --ref ORD-1 --item TEA --qty 1 > /dev/null
	run --separate-stderr crm-stock reserve --ref ORD-2 --item TEA --qty 31
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"not enough TEA"*"30 free"* ]]
	[ -z "$output" ]
	[ "$(reserved ORD-2)" = "" ]
	[ "$(reserved ORD-1)" = "TODAY:1" ]
	[ "$(tsv_get "$(crm-stock balance TEA)" reserved)" = 1 ]
	run --separate-stderr crm-stock reserve --ref ORD-2 --item TEA --qty 0
	[ "$status" -eq 65 ]
	run --separate-stderr crm-stock reserve --ref ORD-2 --item NOSUCH --qty 1
	[ "$status" -eq 65 ]
	[ "$(reserved ORD-2)" = "" ]
	[ "$(tsv_get "$(crm-stock balance TEA)" reserved)" = 1 ]
}

@test "reserved stock is not free for another order's shipment; release frees it" {
	stock_items
	recv TEA T1 10 2027-01-01
	crm-stock reserve --ref ORD-1 --item TEA --qty 7 > /dev/null
	run --separate-stderr crm-stock ship --item TEA --lot T1 --qty 4
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"not enough TEA lot T1"*"3 free"* ]]
	run --separate-stderr crm-stock reserve --ref ORD-2 --item TEA --qty 4
	[ "$status" -eq 65 ]
	run --separate-stderr crm-stock writeoff --item TEA --lot T1 --qty 4 --reason x
	[ "$status" -eq 65 ]
	[ "$(moves)" -eq 1 ]
	run --separate-stderr crm-stock release --ref ORD-1
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" status)" = released ]
	[ "$(reserved ORD-1)" = "" ]
	[ "$(tsv_get "$(crm-stock balance TEA)" reserved)" = 0 ]
	run --separate-stderr crm-stock release --ref ORD-1
	[ "$status" -eq 65 ]
	run --separate-stderr crm-stock ship --item TEA --lot T1 --qty 4
	[ "$status" -eq 0 ]
	[ "$(bal TEA T1)" = 6 ]
}

@test "pick prints the picking list of a reservation" {
	stock_items
	as root crm-stock warehouse add shop
	recv TEA OLD 2 2026-12-01
	recv TEA NEW 10 2027-06-01
	crm-stock transfer --item TEA --lot OLD --qty 2 --to shop > /dev/null
	crm-stock reserve --ref ORD-1 --item TEA --qty 5 > /dev/null
	run --separate-stderr crm-stock pick --ref ORD-1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'item\tname\tlot\texpires\twarehouse\tqty\tpicked' ]
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "${lines[1]}" = $'TEA\tЧай\tNEW\t2027-06-01\tmain\t3\t0' ]
	[ "${lines[2]}" = $'TEA\tЧай\tOLD\t2026-12-01\tshop\t2\t0' ]
	run --separate-stderr crm-stock pick --ref ORD-404
	[ "$status" -eq 1 ]
}

@test "ship --ref ships exactly what was reserved" {
	stock_items
	fefo_lots
	crm-stock reserve --ref ORD-1 --item TEA --qty 8 > /dev/null
	crm-stock reserve --ref ORD-2 --item TEA --qty 1 > /dev/null
	before=$(moves)
	run --separate-stderr crm-stock ship --ref ORD-1
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 { print $9 }' <<<"$output" | sort -u)" = shipped ]
	[ "$(moves)" -eq $((before + 3)) ]
	[ "$(ledger lot,qty,doc --kind shipment | tr '|' :)" = \
		"TODAY:-1:ORD-1 SOON-A:-5:ORD-1 SOON-B:-2:ORD-1" ]
	[ "$(bal TEA TODAY)" = 0 ]
	[ "$(bal TEA SOON-A)" = 0 ]
	[ "$(bal TEA SOON-B)" = 3 ]
	[ "$(reserved ORD-1)" = "" ]
	# The other order keeps its reservation; shipping again ships nothing.
	[ "$(reserved ORD-2)" = "SOON-B:1" ]
	run --separate-stderr crm-stock ship --ref ORD-1
	[ "$status" -eq 65 ]
	[ "$(moves)" -eq $((before + 3)) ]
	run --separate-stderr crm-stock check
	[ "$status" -eq 0 ]
}

@test "a manager may reserve but not ship" {
	stock_items
	recv TEA T1 10 2027-01-01
	run --separate-stderr as ivan crm-stock reserve --ref ORD-1 --item TEA --qty 2
	[ "$status" -eq 0 ]
	# Who reserved no command shows.
	[ "$(sql "SELECT created_by FROM reservation")" = ivan ]
	run --separate-stderr as ivan crm-stock ship --ref ORD-1
	[ "$status" -eq 77 ]
	run --separate-stderr as ivan crm-stock ship --item TEA --lot T1 --qty 1
	[ "$status" -eq 77 ]
	run --separate-stderr as ivan crm-stock receive --item TEA --lot T2 --qty 1
	[ "$status" -eq 77 ]
	run --separate-stderr as mila crm-stock reserve --ref ORD-2 --item TEA --qty 1
	[ "$status" -eq 77 ]
	[ "$(moves)" -eq 1 ]
	[ "$(reserved ORD-1)" = "T1:2" ]
}

@test "two processes reserving the last units at once: one gets them, the other hears not enough" {
	stock_items
	# Each round: 10 on hand, two reservations of 6 held at a start line
	# and let go together. Never both; the loser is told, not left waiting.
	for round in 1 2 3 4 5 6; do
		crm-stock item add "R$round" --name "race $round" > /dev/null
		recv "R$round" L 10
		go="$BATS_TEST_TMPDIR/go-$round"
		pids=()
		for who in a b; do
			(
				while [ ! -e "$go" ]; do sleep 0.001; done
				exec crm-stock reserve --ref "$who-$round" --item "R$round" --qty 6
			) > "$BATS_TEST_TMPDIR/$who-$round.out" 2> "$BATS_TEST_TMPDIR/$who-$round.err" 3>&- &
			pids+=($!)
		done
		sleep 0.1
		touch "$go"
		sa=0 sb=0
		wait "${pids[0]}" || sa=$?
		wait "${pids[1]}" || sb=$?
		[ "$(echo "$sa $sb" | tr ' ' '\n' | sort | tr '\n' ' ')" = "0 65 " ]
		loser=$([ "$sa" -eq 65 ] && echo a || echo b)
		grep -q "not enough R$round" "$BATS_TEST_TMPDIR/$loser-$round.err"
		[ "$(tsv_get "$(crm-stock balance "R$round")" reserved)" = 6 ]
		winner=$([ "$loser" = a ] && echo b || echo a)
		[ "$(reserved "$winner-$round")" = "L:6" ]
		[ "$(reserved "$loser-$round")" = "" ]
	done
}

@test "expired and expiring list the lots by date" {
	stock_items
	fefo_lots
	run --separate-stderr crm-stock expired
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" lot)" = EXPIRED ]
	[ "$(tsv_get "$output" days)" = -1 ]
	run --separate-stderr crm-stock expiring --within 30d
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 { print $3 }' <<<"$output" | tr '\n' ' ')" = "TODAY SOON-A SOON-B TIE-A TIE-Z " ]
	run --separate-stderr crm-stock expiring --within 1d
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" lot)" = TODAY ]
}

# ---- scanning

@test "scan receive books GS1-128 and DataMatrix data with lot and expiry, with GS separators" {
	stock_items
	printf ']C1010460000000000810L-128\x1d17270131\n]d2\x1d0104600000000008172612311021-DM\n' > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr crm-stock scan receive --ref PO-7 < "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "$(ledger item,lot,qty,doc | tr '|' :)" = "MILK:L-128:1:PO-7 MILK:21-DM:1:PO-7" ]
	[ "$(lots MILK lot,expires | tr '|' :)" = "21-DM:2026-12-31 L-128:2027-01-31" ]
}

@test "scan receive reads the human-readable (01)(10)(17) form, without an AIM prefix" {
	stock_items
	run --separate-stderr crm-stock scan receive <<<"(01)04600000000008(10)LOT-HR(17)270615(11)261101"
	[ "$status" -eq 0 ]
	[ "$(lots MILK lot,expires)" = "LOT-HR|2027-06-15" ]
	# A lot's production date no command shows.
	[ "$(sql "SELECT lot_no || '|' || expires || '|' || produced FROM lot")" = "LOT-HR|2027-06-15|2026-11-01" ]
	[ "$(bal MILK LOT-HR)" = 1 ]
}

@test "an expiry with day 00 is the last day of that month" {
	stock_items
	printf '%s\n' "(01)04600000000008(10)FEB27(17)270200" "(01)04600000000008(10)FEB28(17)280200" \
		"(01)04600000000008(10)DEC26(17)261200" > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr crm-stock scan receive < "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "$(lots MILK lot,expires | tr '|' =)" = "DEC26=2026-12-31 FEB27=2027-02-28 FEB28=2028-02-29" ]
}

@test "a (37) count sets the quantity of a scan; --qty that of plain EAN scans" {
	stock_items
	printf ']C10104600000000008\x1d3712\x1d10C-37\n' > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr crm-stock scan receive < "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "$(bal MILK C-37)" = 12 ]
	printf '4600000000015\n]E04600000000015\n04600000000015\n' > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr crm-stock scan receive --qty 2.5 < "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 3 ]
	[ "$(bal NAILS -)" = 7.5 ]
	# Without --qty a scan is one unit.
	run --separate-stderr crm-stock scan receive <<<"4600000000015"
	[ "$(bal NAILS -)" = 8.5 ]
}

@test "bad scans between good ones: each refused with its line number, the others booked, exit 65" {
	stock_items
	{
		echo "4600000000015"
		echo "4600000000016"
		echo "4600000000022"
		echo "hello, scanner"
		printf ']C10104600000000008\x1d10L1\x1d17271301\n'
		printf ']X90104600000000008\n'
		echo
		printf ']C10104600000000008\x1d10L2\x1d17270331\n'
		echo "4600000000015"
	} > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr crm-stock scan receive < "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 65 ]
	[ "$(grep -c . <<<"$stderr")" -eq 5 ]
	[[ "$stderr" == *'line 2: bad check digit 6 in "4600000000016": expected 5'* ]]
	[[ "$stderr" == *'line 3: unknown item "04600000000022"'* ]]
	[[ "$stderr" == *'line 4: "hello, scanner": neither an EAN/UPC code nor GS1 data'* ]]
	[[ "$stderr" == *'line 5: (17) "271301": not a date'* ]]
	[[ "$stderr" == *'line 6: unknown symbology identifier'* ]]
	[ "$(tsv_count "$output")" -eq 3 ]
	[ "$(bal NAILS -)" = 2 ]
	[ "$(bal MILK L2)" = 1 ]
	[ "$(lots MILK lot,expires)" = "L2|2027-03-31" ]
	[ "$(moves)" -eq 3 ]
}

@test "the corpus scanner vectors: VALID lines are booked, INVALID ones refused naming the check digit" {
	[ "$(corpus_gtins | tr '\n' ' ')" = "02345673 12312312312333 2112345678900 " ]
	corpus_items
	corpus_scans > "$BATS_TEST_TMPDIR/scans"
	# The \x1D of the text file became real GS bytes.
	[ "$(tr -cd '\035' < "$BATS_TEST_TMPDIR/scans" | wc -c)" -eq 6 ]
	valid=$(grep -c '^VALID' "$FIXTURES/gs1/scan-vectors.txt")
	[ "$valid" -eq 8 ]
	run --separate-stderr crm-stock scan receive < "$BATS_TEST_TMPDIR/scans"
	[ "$status" -eq 65 ]
	[ "$(tsv_count "$output")" -eq "$valid" ]
	[ "$(moves)" -eq "$valid" ]
	[ "$(grep -c . <<<"$stderr")" -eq 2 ]
	[[ "$stderr" == *'line 6: bad check digit 1 in "2112345678901": expected 0'* ]]
	[[ "$stderr" == *'line 8: bad check digit 4 in "02345674": expected 3'* ]]
	[ "$(bal GS1-12312312312333 ABC123)" = 4 ]
	[ "$(bal GS1-12312312312333 ABC)" = 1 ]
	[ "$(bal GS1-12312312312333 -)" = 1 ]
	[ "$(bal GS1-2112345678900 -)" = 1 ]
	[ "$(bal GS1-02345673 -)" = 1 ]
	# (11) 991225 in the DataBar line is a production date of 1999 (which no
	# command shows).
	[ "$(sql "SELECT count(*) FROM lot WHERE produced IS NOT NULL AND produced <> '1999-12-25'")" -eq 0 ]
}

@test "the corpus binary capture with real GS bytes is booked line by line" {
	[ "$(tr -cd '\035' < "$FIXTURES/gs1/scan-vectors.bin" | wc -c)" -eq 3 ]
	corpus_items
	run --separate-stderr crm-stock scan receive < "$FIXTURES/gs1/scan-vectors.bin"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(tsv_count "$output")" -eq 4 ]
	[ "$(bal GS1-12312312312333 ABC123)" = 2 ]
	[ "$(bal GS1-12312312312333 ABC)" = 1 ]
	[ "$(bal GS1-2112345678900 -)" = 1 ]
	[ "$(moves)" -eq 4 ]
}

@test "scan pick accepts the FEFO lot and refuses a wrong item or a lot not on the list" {
	stock_items
	recv MILK LATER 5 2027-02-28
	recv MILK FIRST 5 2026-12-31
	recv TEA T1 5
	crm-stock reserve --ref ORD-1 --item MILK --qty 2 > /dev/null
	[ "$(reserved ORD-1)" = "FIRST:2" ]
	printf '%s\n' "(01)04600000000008(10)FIRST" "(01)04600000000008(10)LATER" \
		"(01)04006381333931(10)T1" > "$BATS_TEST_TMPDIR/in"
	printf ']C10104600000000008\x1d10FIRST\n' >> "$BATS_TEST_TMPDIR/in"
	run --separate-stderr crm-stock scan pick --ref ORD-1 < "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 65 ]
	[ "$(grep -c . <<<"$stderr")" -eq 2 ]
	[ "$(tsv_count "$output")" -eq 2 ]
	[[ "$stderr" == *"line 2: not on the picking list of ORD-1"*"lot LATER"* ]]
	[[ "$stderr" == *"line 3: not on the picking list of ORD-1"*"04006381333931"* ]]
	[ "$(tsv_get "$(crm-stock pick --ref ORD-1)" picked)" = 2 ]
	run --separate-stderr crm-stock pick --ref ORD-1
	[ "$(tsv_get "$output" picked)" = 2 ]
	# Picking moves no stock; shipping does.
	[ "$(moves)" -eq 3 ]
	run --separate-stderr crm-stock scan pick < /dev/null
	[ "$status" -eq 64 ]
}

@test "scan count builds an inventory count and adjusts the scanned lots" {
	stock_items
	recv MILK A 10 2027-01-31
	recv MILK B 5 2027-02-28
	recv MILK C 3 2027-03-31
	{
		for i in 1 2 3; do echo "(01)04600000000008(10)A"; done
		echo "(01)04600000000008(10)A(37)5"
		for i in 1 2 3 4 5; do printf ']C10104600000000008\x1d10B\n'; done
		echo "4600000000099"
	} > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr crm-stock scan count --ref CNT-1 < "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"line 10: bad check digit"* ]]
	# A: 8 counted of 10; B: 5 of 5, no move; C was not scanned.
	[ "$(ledger lot,qty,reason --doc CNT-1 | tr '|' :)" = "A:-2:inventory count by scanner" ]
	[ "$(ledger kind --doc CNT-1)" = adjustment ]
	[ "$(bal MILK A)" = 8 ]
	[ "$(bal MILK B)" = 5 ]
	[ "$(bal MILK C)" = 3 ]
	run --separate-stderr crm-stock check
	[ "$status" -eq 0 ]
}

@test "scan count adds up one item scanned under its different barcodes" {
	stock_items
	crm-stock item set NAILS --barcode 036000291452
	recv NAILS - 10
	printf '%s\n' 4600000000015 4600000000015 4600000000015 036000291452 036000291452 > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr crm-stock scan count --ref CNT-2 < "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	# Five counted: one adjustment of -5, not one per barcode.
	[ "$(bal NAILS -)" = 5 ]
	[ "$(ledger qty --doc CNT-2)" = -5 ]
}

@test "--dry-run writes nothing: receive, adjust, scan receive and scan count" {
	stock_items
	recv TEA T1 10
	run --separate-stderr crm-stock receive --item TEA --lot T1 --qty 1 --dry-run
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" balance)" = 11 ]
	[[ "$stderr" == *"dry run"* ]]
	run --separate-stderr crm-stock adjust --item TEA --lot T1 --qty 3 -n
	[ "$status" -eq 0 ]
	[ "$(moves)" -eq 1 ]
	run --separate-stderr crm-stock scan receive --dry-run <<<"(01)04006381333931(10)T1"
	[ "$status" -eq 0 ]
	[ "$(moves)" -eq 1 ]
	run --separate-stderr crm-stock scan count --dry-run <<<"(01)04006381333931(10)T1(37)4"
	[ "$status" -eq 0 ]
	[ "$(moves)" -eq 1 ]
	[ "$(bal TEA T1)" = 10 ]
}

@test "a scan with a NUL byte inside is refused, not cut short at it" {
	stock_items
	printf '4600000000015\0junk\n4600000000015\n' > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr crm-stock scan receive < "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"line 1: "* ]]
	[ "$(bal NAILS -)" = 1 ]
}

@test "scans ended by a carriage return alone, a scanner's Enter, are each read" {
	stock_items
	printf '4600000000015\r\n4600000000015\r4600000000015\r' > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr crm-stock scan receive < "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(bal NAILS -)" = 3 ]
}

@test "a 100 KB line of junk is refused in a short message and the run goes on" {
	stock_items
	{
		head -c 102400 /dev/zero | tr '\0' '\377'
		echo
		printf '(01)04600000000008(10)'
		head -c 102400 /dev/zero | tr '\0' 'A'
		echo
		printf ']C1'
		head -c 102400 /dev/zero | tr '\0' '\035'
		echo
		seq 1 30000 | tr -d '\n' | head -c 102400
		echo
		echo 4600000000015
	} > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr crm-stock scan receive < "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 65 ]
	[ "$(grep -c . <<<"$stderr")" -eq 4 ]
	for n in 1 2 3 4; do
		[[ "$stderr" == *"line $n: "* ]]
	done
	# Quoted, not echoed whole: no message line is long.
	[ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' <<<"$stderr")" -lt 400 ]
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(bal NAILS -)" = 1 ]
	[ "$(moves)" -eq 1 ]
}

@test "ten thousand scans in one run all book" {
	stock_items
	yes 4600000000015 | head -n 10000 > "$BATS_TEST_TMPDIR/in"
	run --separate-stderr crm-stock scan receive < "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(tsv_count "$output")" -eq 10000 ]
	[ "$(moves)" -eq 10000 ]
	[ "$(bal NAILS -)" = 10000 ]
	run --separate-stderr crm-stock balance NAILS
	[ "$(tsv_get "$output" qty)" = 10000 ]
	run --separate-stderr crm-stock check
	[ "$status" -eq 0 ]
}

@test "an untracked item with a shelf life keeps a lot a receipt day, so later stock is not stale" {
	as root crm-stock item add OIL --name "Масло" --shelf-life 30 --lot-tracked no
	CRM_NOW=2026-11-01T10:00:00Z crm-stock receive --item OIL --qty 5 > /dev/null
	CRM_NOW=2026-11-26T10:00:00Z crm-stock receive --item OIL --qty 7 > /dev/null
	export CRM_NOW=2026-12-05T10:00:00Z
	run --separate-stderr as ivan crm-stock reserve --ref O-1 --item OIL --qty 7
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" lot)" = 2026-11-26 ]
}

@test "more of a known lot with another expiry date is refused as probably another lot" {
	as root crm-stock item add TEA --name "Чай" --lot-tracked yes
	crm-stock receive --item TEA --lot T1 --qty 1 --expires 2027-01-31 > /dev/null
	run --separate-stderr crm-stock receive --item TEA --lot T1 --qty 1 --expires 2030-01-01
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"lot T1 of TEA expires on 2027-01-31, not 2030-01-01"* ]]
	[ "$(moves)" -eq 1 ]
}

@test "picking more than is left is refused, saying how much is left" {
	as root crm-stock item add BOLT --name "Болт" --lot-tracked yes --barcode 4600000000015
	crm-stock receive --item BOLT --lot B1 --qty 10 --expires 2027-01-31 > /dev/null
	as ivan crm-stock reserve --ref P-1 --item BOLT --qty 3 > /dev/null
	run --separate-stderr bash -c "printf '(01)04600000000015(10)B1(37)5\n' | crm-stock scan pick --ref P-1"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"only 3 left to pick"* ]]
}

@test "a production order: planned, in progress, done into a new lot reserved for its order" {
	as root crm-stock item add PUMP --name "Насос" --supply make --lot-tracked yes
	run --separate-stderr as anna crm-stock production add --item PUMP --qty 4 --planned 2026-12-10 --ref ORD-9
	[ "$status" -eq 0 ]
	id=$(tsv_get "$output" id)
	as anna crm-stock production set "$id" --progress 50 > /dev/null
	run --separate-stderr as ivan crm-stock production list
	[ "$(tsv_get "$output" status)" = in_progress ]
	[ "$(tsv_get "$output" progress)" = 50 ]
	[ "$(tsv_get "$output" planned)" = 2026-12-10 ]
	run --separate-stderr crm-stock production done "$id" --lot PR-1 --expires 2028-01-01
	[ "$status" -eq 0 ]
	[ "$(ledger kind,qty)" = "production|4" ]
	run --separate-stderr crm-stock pick --ref ORD-9
	[ "$(tsv_get "$output" lot)" = PR-1 ]
	[ "$(tsv_get "$output" qty)" = 4 ]
	run --separate-stderr crm-stock production done "$id" --lot PR-2
	[ "$status" -eq 65 ]
	run --separate-stderr as ivan crm-stock production add --item PUMP --qty 1
	[ "$status" -eq 77 ]
}

@test "a supplier's INN is checked as a customer's: a wrong check digit is refused" {
	run --separate-stderr as anna crm-stock supplier add "ООО Поставщик" --inn 7701234567
	[ "$status" -eq 65 ]
	[ -z "$output" ]
	[[ "$stderr" == *'bad INN "7701234567": the check digit does not match'* ]]
	[ "$(count_of crm-export --with-junk --format tsv --kind supplier)" -eq 0 ]
}

@test "a supplier order: received in parts into lots reserved for the order it serves" {
	as root crm-stock item add VALVE --name "Клапан" --supply buy --lot-tracked yes
	run --separate-stderr as anna crm-stock supplier add "ООО Поставщик" --inn 7701234560
	supplier=$(tsv_get "$output" party)
	[ "$(party_row "$supplier" kind)" = supplier ]
	as anna crm-stock supplier-order add --supplier "$supplier" --item VALVE --qty 10 --expected 2026-12-01 --ref ORD-10 > /dev/null
	crm-stock supplier-order receive 1 --item VALVE --lot S1 --qty 6 --expires 2028-06-01 > /dev/null
	run --separate-stderr crm-stock supplier-order list
	[ "$(tsv_get "$output" received)" = 6 ]
	[ "$(tsv_get "$output" status)" = open ]
	run --separate-stderr crm-stock supplier-order receive 1 --item VALVE --lot S2 --qty 5
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"4 left to receive"* ]]
	crm-stock supplier-order receive 1 --item VALVE --lot S2 > /dev/null
	[ "$(crm-stock supplier-order list --status all -H --columns status | sort -u)" = received ]
	[ "$(reserved ORD-10)" = "S2:4 S1:6" ]
	lead=$(as root crm-lead add -H --columns party --name "Не поставщик" --email x@ex.ru)
	run --separate-stderr as anna crm-stock supplier-order add --supplier "$lead" --item VALVE --qty 1
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"is not a supplier"* ]]
}

@test "item import adds new items and changes known ones from TSV; a bad line writes nothing" {
	printf 'code\tname\tprice\tsupply\tbarcodes\nV1\tКлапан\t1500.00\tbuy\t4600000000015\nV2\tФильтр\t10\tstock\t\n' |
		as root crm-stock item import
	[ "$(count_of crm-stock item list)" -eq 2 ]
	printf 'code\tname\nV1\tКлапан DN50\n' | as root crm-stock item import
	[ "$(tsv_pick "$(crm-stock item list)" code=V1 name)" = "Клапан DN50" ]
	run --separate-stderr bash -c "printf 'code\tname\tbarcodes\nV3\tБолт\t4600000000011\nV4\tГайка\t\n' | CRM_USER=root crm-stock item import"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"line 2"*"expected 5"* ]]
	[ "$(crm-stock item list -H --columns code | paste -sd' ' -)" = "V1 V2" ]
}

@test "item show gives the fields, the barcodes and the stock of an item, by code or barcode" {
	as root crm-stock item add V1 --name "Клапан" --price 1500 --barcode 4600000000015 --lot-tracked yes
	crm-stock receive --item V1 --lot A --qty 3 > /dev/null
	run --separate-stderr crm-stock item show 4600000000015
	[ "$status" -eq 0 ]
	[[ "$output" == *$'price\t1500.00'* ]]
	[[ "$output" == *$'barcode\t04600000000015 (EAN-13)'* ]]
	[[ "$output" == *$'on_hand\t3'* ]]
	run --separate-stderr crm-stock item show NOPE
	[ "$status" -eq 65 ]
}
