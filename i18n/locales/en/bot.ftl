# Bot texts (English). HTML parse mode: t() escapes every value it fills in (i18n/index.ts);
# write &lt; and &amp; for a literal < and & here.

## Command menus (setMyCommands; plain text)
command-start = Main menu
command-catalogue = Browse the catalogue
command-mybooks = My books: return, extend and pay
command-myholds = My holds: your place in the queues
command-search = Search by title, author or ISBN
command-language = Change the language
command-help = How it works
command-cancel = Stop what we are doing
command-admin = Staff commands
command-admin-addbook = Add a book, step by step
command-admin-inventory = Set a book's copies: book id, copies
command-admin-find = Find books: text
command-admin-holds = A book's queue: book id or text
command-admin-active = Borrowings not returned yet
command-admin-overdue = Borrowings past their due date
command-admin-loans = A reader's loans: user id, @username or email
command-admin-return = Mark a borrowing returned: borrowing id
command-admin-refund = Refund a payment: payment id
command-admin-stats = Today's numbers

## Main menu
menu-title = What would you like to do?
menu-catalogue = 📚 Catalogue
menu-my-books = 📖 My books
menu-my-holds = ⏳ My holds
menu-language = 🌐 Language
menu-help = ❓ Help
menu-back = « Back
menu-main = « Main menu
menu-outdated = That menu was out of date — here it is again.

start-greeting = Hello, { $name }! 👋 This is the library: browse the catalogue, borrow a book and pay for it right here.
link-success = ✅ Your Telegram is now linked to the library account { $email }. Welcome, { $name }!
link-confirm = 🔗 Link this Telegram to the library account <b>{ $email }</b>?
link-confirm-moves = Your { $loans ->
    [0] no loans
    [one] 1 loan
   *[other] { $loans } loans
} and { $payments ->
    [0] no payments
    [one] 1 payment
   *[other] { $payments } payments
} kept here will move to that account.
link-confirm-replaces = This Telegram is linked to { $current } now; it will be linked to the new account instead.
link-confirm-only-yours = Press Link only if this account is your own.
link-button = ✅ Link
link-cancel-button = ✖ Cancel
link-cancelled = Linking cancelled: nothing changed.
group-help = Talk to me in a private chat to borrow books. Librarians: /admin
unknown-command = I don't know that command. Send /help to see what I can do.
button-expired = This button is no longer active.
cancel-done = Okay, stopped.
cancel-nothing = There was nothing to stop.

help-text =
    <b>How the library works</b>
    📚 <b>Catalogue</b> — browse the books page by page, or just send me any text to search by title, author or ISBN.
    📥 <b>Borrow</b> — open a book, press Borrow, choose for how many days (up to { $max_days }), confirm and pay the rent with the link.
    📖 <b>My books</b> — your loans and due dates: return a book or pay what is due. You can hold up to { $max_loans } books at a time, and cannot borrow while a payment is unpaid. Late returns are fined for every day overdue.
    🔁 <b>Extend</b> — in My books, move a loan's due date later (up to { $max_days } days from today, { $max_renewals ->
        [one] once
       *[other] { $max_renewals } times
    } per loan) and pay the extra days; not while readers wait for the book, once it is overdue, or while a payment is unpaid.
    ⏳ <b>Queue</b> — when no copy is available, join the book's queue from its card (up to { $max_holds } queues). When a copy comes back it is set aside for the first reader in the queue, who has { $pickup_hours } hours to borrow it, and I send them a message with a Borrow button. ⏳ My holds shows your place and lets you leave a queue.

help-commands = <b>Commands</b> (also in the menu beside the message box):

## Language
language-choose = Choose your language (now: { $current }).
language-set = ✅ The language is now English.

## Catalogue and search
catalogue-title = 📚 <b>Catalogue</b> — page { $page }
catalogue-search-title = 🔎 <b>Results for “{ $query }”</b> — page { $page }
catalogue-hint = Tap a book to open it. Send any text to search.
catalogue-empty = The catalogue is empty for now.
search-empty = Nothing found for “{ $query }”. Try other words.
search-how = Send the words to look for, for example: /search tolstoy
catalogue-prev = ◀ Prev
catalogue-next = Next ▶
catalogue-first = ⏮ First page

book-card =
    📖 <b>{ $title }</b>
    Author: { $author }
    Cover: { $cover }
    Daily fee: { $fee } USD
    Available: { $copies ->
        [0] no copies left
        [one] 1 copy
       *[other] { $copies } copies
    }
book-isbn = ISBN: { $isbn }
cover-hard = Hardcover
cover-soft = Softcover
book-borrow = 📥 Borrow
book-join-queue = ⏳ Join the queue (you would be #{ $position })
book-leave-queue = ✖ Leave the queue
book-queue-hint = No copy is free right now: { $readers ->
    [one] 1 reader is
   *[other] { $readers } readers are
} waiting. Join the queue and I will message you when a copy is set aside for you.
book-none-hint = No copy is free right now. Join the queue and I will message you as soon as a copy is set aside for you.
error-book-gone = This book is no longer in the catalogue.

## Borrowing
borrow-choose-days =
    📥 <b>Borrow “{ $title }”</b>
    Daily fee: { $fee } USD. For how many days? (at most { $max })
borrow-days-button = { $days ->
    [one] 1 day
   *[other] { $days } days
}
borrow-quote =
    📥 <b>“{ $title }”</b> for { $days ->
        [one] 1 day
       *[other] { $days } days
    }, until { $until }.
    Rent: <b>{ $rent } USD</b>. Borrow it?
borrow-unpaid = 💳 Before you borrow again, please pay your { $type ->
    [FINE] late-return fine
    [EXTENSION] loan extension
   *[other] rent
} of <b>{ $amount } USD</b> for “{ $title }”.{ $more ->
    [0] {""}
   *[other] {" "}{ $more ->
        [one] One more payment is
       *[other] { $more } more payments are
    } waiting in 📖 My books.
}
borrow-confirm = ✅ Confirm
borrow-change = « Change days
borrow-cancel = ✖ Cancel
borrow-cancelled = Borrowing “{ $title }” was cancelled.
borrow-back-to-book = « Back to the book
borrow-done = ✅ You borrowed <b>“{ $title }”</b> until <b>{ $until }</b>. Rent: { $rent } USD.
borrow-pay-now = Pay the rent with the button below.
borrow-pay-later = The payment service did not answer just now — press Pay again in a minute.
borrow-pay-button = 💳 Pay { $rent } USD

## My books
mybooks-title = 📖 <b>My books</b>
mybooks-none = You have no books on loan.
mybooks-loan = { $n }. <b>{ $title }</b> — { $due }
mybooks-due = due { $date } ({ $days ->
    [one] in 1 day
   *[other] in { $days } days
})
mybooks-due-today = due <b>today</b> ({ $date })
mybooks-overdue = ⚠ <b>overdue</b> since { $date } ({ $days ->
    [one] 1 day
   *[other] { $days } days
} late)
mybooks-unpaid-title = 💳 <b>To pay</b>
mybooks-unpaid-rent = • Rent { $amount } USD for “{ $title }” ({ $status })
mybooks-unpaid-fine = • Fine { $amount } USD for “{ $title }” ({ $status })
mybooks-unpaid-extension = • Extension { $amount } USD for “{ $title }” ({ $status })
payment-status-pending = waiting for payment
payment-status-expired = the link expired — press Pay for a new one
mybooks-return-button = ↩ Return “{ $title }”
mybooks-extend-button = 🔁 Extend
mybooks-pay-button = 💳 Pay { $amount } USD — { $title }
mybooks-refresh = 🔄 Refresh
pay-already-paid = ✅ This payment is already paid. Thank you!
pay-link-ready = 💳 Here is your payment link for { $amount } USD.
return-confirm = Return <b>“{ $title }”</b> (due { $date })?
return-confirm-yes = ✅ Yes, return it
return-nothing = This loan is not active any more.
return-done = ✅ Returned “{ $title }”. Thank you!
return-done-fine = ✅ Returned “{ $title }” { $days ->
    [one] 1 day
   *[other] { $days } days
} late: a fine of <b>{ $amount } USD</b> is due — press Pay below.

## Extending a loan
extend-title = 🔁 <b>Extend “{ $title }”</b>
extend-at-most = It already runs to { $date }, the longest a loan may run from today.
extend-choose =
    🔁 <b>Extend “{ $title }”</b>
    Due back now: { $due }. Daily fee: { $fee } USD. Until when? (at most { $max })
    { $left ->
        [one] This is the last renewal this loan may have.
       *[other] This loan may be renewed { $left } more times.
    }
extend-date-button = +{ $days ->
    [one] 1 day
   *[other] { $days } days
} · { $date }
extend-quote =
    🔁 <b>“{ $title }”</b> due back on { $until } instead of { $from } ({ $days ->
        [one] 1 more day
       *[other] { $days } more days
    }).
    Extra rent: <b>{ $rent } USD</b>. Extend it?
extend-confirm = ✅ Extend
extend-done = ✅ <b>“{ $title }”</b> is now due back on <b>{ $until }</b>. Extra rent: { $rent } USD.
extend-pay-now = Pay the extra rent with the button below.
extend-cancelled = Nothing changed: “{ $title }” is due back as before.

## Holds (queues for books that are out)
hold-card-ready = 📗 <b>A copy is set aside for you</b> until { $until }. Borrow it before then, or it goes to the next reader.
hold-card-waiting = ⏳ You are <b>#{ $position }</b> in the queue. I will message you when a copy is set aside for you.
hold-joined = ✅ You joined the queue for “{ $title }”: you are <b>#{ $position }</b>.
holds-title = ⏳ <b>My holds</b>
holds-none = You are not in any queue. When no copy of a book is available, its card offers “Join the queue”.
holds-line = { $n }. <b>{ $title }</b> — { $state }
holds-ready = 📗 <b>ready</b>: set aside for you until <b>{ $until }</b>
holds-waiting = #{ $position } in the queue
holds-hint = I will message you when a copy is set aside for you. You can be in up to { $max ->
    [one] 1 queue
   *[other] { $max } queues
} at once.
holds-limit = You can be in up to { $max ->
    [one] 1 queue
   *[other] { $max } queues
} at once.
holds-borrow-button = 📥 Borrow “{ $title }”
holds-cancel-button = ✖ Cancel hold
holds-cancel-ready-button = ✖ Cancel hold: “{ $title }”
holds-leave-button = ✖ Leave the queue: “{ $title }”
hold-cancel-yes = ✅ Yes, cancel it
hold-cancel-ready-question = Cancel your hold on <b>“{ $title }”</b>? The copy set aside for you until { $until } then goes to the next reader in the queue, or back on the shelf.
hold-cancel-waiting-question = Leave the queue for <b>“{ $title }”</b>? You are #{ $position } and would lose your place.
hold-cancelled-ready-next = ✅ Hold on “{ $title }” cancelled: the copy set aside for you went to the next reader in the queue.
hold-cancelled-ready-shelf = ✅ Hold on “{ $title }” cancelled: the copy set aside for you is back on the shelf.
hold-cancelled-waiting = ✅ You left the queue for “{ $title }”.
hold-not-active = This hold has already ended — there is nothing to cancel.
hold-ready-borrowed = ✅ You have already borrowed “{ $title }”: it is in 📖 My books.
hold-ready-gone = ⌛ The copy of “{ $title }” set aside for you is no longer waiting: your hold ended. You can join the queue again from the book's card.
hold-open-book = 📖 Open the book

## Errors (one sentence per core error code)
error-unexpected = Something went wrong, please try again.
error-no-copies-left = Sorry, no copies of this book are left right now.
error-loan-limit-reached = You already hold { $limit ->
    [one] 1 book, the most
   *[other] { $limit } books, the most
} at once. Return one to borrow another.
error-unpaid-payment = You have an unpaid payment. Pay it in 📖 My books before borrowing again.
error-already-returned = This book was already returned.
error-invalid-loan-period = The return date must be between { $min } and { $max }.
error-not-found = Not found — it may have been removed.
error-forbidden = You are not allowed to do that.
error-invalid-link-code = This link has expired or was already used. Make a new one in the app and open it again.
error-link-loan-limit = This account cannot be linked: books on loan here: { $here }, in the account: { $there } — together more than the { $limit } allowed at once. Return some books first, then open the link again.
error-payment-not-renewable = This payment still has an open link — use its Pay button.
error-payment-not-refundable = This payment cannot be refunded: { $message }
error-payment-provider-unavailable = The payment service is not answering right now. Please try again in a minute.
error-isbn-taken = A book with this ISBN is already in the catalogue.
error-book-on-loan = This book is on loan and cannot be removed until every copy is back.
error-rate-limited = Too many requests — please wait a moment.
error-validation = That does not look right: { $message }
error-copy-available = A copy of this book is available now — borrow it instead of queueing.
error-already-held = You are already in the queue for this book — see ⏳ My holds.
error-already-borrowed = You have this book on loan now, so you cannot queue for it.
error-hold-limit = You are already in { $limit ->
    [one] 1 queue, the most
   *[other] { $limit } queues, the most
} at once. Leave one in ⏳ My holds to join another.
error-copies-set-aside = { $held ->
    [one] 1 copy is
   *[other] { $held } copies are
} set aside for readers whose holds are ready: the shelf cannot go below that.
error-link-hold-limit = This account cannot be linked: together the two accounts would be in more than { $limit } queues, the most allowed. Leave some queues first (⏳ My holds), then open the link again.
error-holds-waiting = { $waiting ->
    [one] 1 reader is
   *[other] { $waiting } readers are
} waiting for this book, so the loan cannot be extended. Please return it by its due date.
error-renewal-limit = This loan was renewed { $renewals ->
    [1] once
    [2] twice
   *[other] { $renewals } times
} already, the most allowed. Please return it by its due date.
error-overdue = This loan is overdue (it was due on { $date }), so it cannot be extended — please return it.
error-unpaid = Please pay what you owe first: a loan cannot be extended while a payment is unpaid.
error-not-active = That has already ended — there is nothing to change.
error-generic = { $message }

## Staff (/admin)
admin-refused = Sorry, this command is only for library staff in the staff chat.
admin-help =
    <b>Staff commands</b>
    /admin — the console: lists, cards and buttons
    /admin addbook — add a book, step by step
    /admin inventory &lt;book id&gt; &lt;copies&gt; — set the copies on the shelf
    /admin find &lt;text&gt; — find books
    /admin holds &lt;book id | text&gt; — a book's queue: copies set aside, readers waiting
    /admin active — borrowings not returned yet
    /admin overdue — borrowings past their due date
    /admin loans &lt;user id | @username | email&gt; — a reader's loans
    /admin return &lt;borrowing id&gt; — mark a book returned
    /admin refund &lt;payment id&gt; — refund a paid payment
    /admin stats — today's numbers
    Each also works as /admin_&lt;command&gt;, e.g. /admin_stats. /cancel stops adding a book.
admin-unknown = I don't know the staff command “{ $command }”. These are the ones I know:
admin-usage = Usage: { $command ->
    [inventory] /admin inventory &lt;book id&gt; &lt;copies&gt;
    [find] /admin find &lt;text&gt;
    [holds] /admin holds &lt;book id | text&gt;
    [loans] /admin loans &lt;user id | @username | email&gt;
    [return] /admin return &lt;borrowing id&gt;
    [refund] /admin refund &lt;payment id&gt;
   *[other] see /admin
}
admin-more = More ▸
admin-list-end = That was all.
admin-active-title = 📋 <b>Active borrowings</b>
admin-active-none = No active borrowings.
admin-overdue-title = ⚠ <b>Overdue on { $date }</b>
admin-overdue-none = No borrowings overdue today.
admin-loans-title = 👤 <b>Loans of { $reader }</b>
admin-loans-none = This reader has no loans.
admin-reader-not-found = No reader matches “{ $query }”. Use a user id, @username or email.
admin-loan-borrowed = from { $date }
admin-loan-due = due { $date }
admin-loan-overdue = ⚠ due { $date }, { $days ->
    [one] 1 day
   *[other] { $days } days
} late
admin-loan-returned = returned { $date }
admin-loan-line = #{ $id } <b>{ $title }</b> — { $reader } · { $borrowed } · { $status }
admin-find-title = 🔎 <b>Books matching “{ $query }”</b>
admin-find-none = No books match “{ $query }”.
admin-find-book = #{ $id } <b>{ $title }</b> — { $author } · { $copies ->
    [one] 1 copy
   *[other] { $copies } copies
} on the shelf · { $fee } USD/day
admin-find-isbn = ISBN { $isbn }
admin-holds-title = ⏳ <b>Queue for “{ $title }”</b> (#{ $id })
admin-holds-none = Nobody is waiting for this book, and no copy is set aside.
admin-holds-summary = Queue: { $ready } set aside · { $waiting } waiting
admin-holds-more = …and { $rest } more.
admin-holds-choose = ⏳ Books matching “{ $query }” — tap one to see its queue:
admin-holds-waiting-short = { $readers } waiting
queue-line-ready = 📗 { $reader } — copy set aside until { $until }
queue-line-waiting = { $position }. { $reader } — waiting since { $since }
admin-inventory-set = ✅ Book #{ $id } “{ $title }” now has { $copies ->
    [one] 1 copy
   *[other] { $copies } copies
} on the shelf.
admin-returned = ✅ Borrowing #{ $id } (“{ $title }”) marked returned on { $date }.
admin-returned-fine = Returned late: fine #{ $payment } of { $amount } USD created.
admin-refunded = ✅ Payment #{ $id } refunded: { $amount } USD.
admin-stats =
    📊 <b>Today, { $date }</b>
    New borrowings: { $borrowed }
    Returns: { $returned }
    Active: { $active }
    Overdue: { $overdue }
    Paid: { $paid_count ->
        [one] 1 payment
       *[other] { $paid_count } payments
    }, { $paid_amount } USD
    Refunded: { $refunded_count ->
        [one] 1 payment
       *[other] { $refunded_count } payments
    }, { $refunded_amount } USD

addbook-ask-title = 📘 <b>New book</b> (/cancel to stop). What is the <b>title</b>? Reply to this message.
addbook-ask-author = Who is the <b>author</b>?
addbook-ask-isbn = The <b>ISBN</b>? Send a dash (-) if there is none.
addbook-ask-cover = Which <b>cover</b>?
addbook-cover-chosen = Cover: { $cover }
addbook-ask-inventory = How many <b>copies</b> are on the shelf? (0 to 1000000)
addbook-ask-fee = The <b>daily fee</b> in USD, e.g. 0.50 or 1.25?
addbook-bad-text = That must be 1 to 255 characters. Please send it again.
addbook-bad-chars = That has control or invisible formatting characters in it (such as a text-direction mark or a zero-width space). Please send it again without them.
addbook-bad-isbn = An ISBN has 10 or 13 digits (the last may be X), with or without hyphens. Send it again, or a dash (-) for none.
addbook-bad-isbn-checksum = { $isbn } is not a valid ISBN: its check digit does not match (a digit mistyped?). Send it again, or a dash (-) for none.
addbook-isbn-taken = That ISBN is already in the catalogue: book #{ $id } “{ $title }”. Send another, or a dash (-) for none.
addbook-isbn-taken-meanwhile = That ISBN was added to the catalogue a moment ago by someone else. Everything else is kept.
addbook-cover-buttons = Please choose the cover with one of the buttons.
addbook-confirm =
    📘 <b>Add this book?</b>
    Title: <b>{ $title }</b>
    Author: { $author }
    ISBN: { $isbn }
    Cover: { $cover }
    Copies: { $copies }
    Daily fee: { $fee } USD
addbook-add-button = ✅ Add the book
addbook-cancel-button = ✖ Don't add
addbook-confirm-buttons = Please answer with the buttons: add the book, or not.
addbook-bad-inventory = Send a whole number from 0 to 1000000.
addbook-bad-fee = Send an amount above 0 with at most 2 decimals, e.g. 1.50.
addbook-abandoned = Adding the book was stopped.
addbook-done = ✅ Added book #{ $id }: <b>{ $title }</b> by { $author } — { $copies ->
    [one] 1 copy
   *[other] { $copies } copies
}, { $fee } USD/day.

## Staff console (/admin in the staff chat)
console-title =
    🗂 <b>Staff console</b>
    Choose a list, or find a book or a reader. The typed commands still work: /admin help lists them.
console-active = 📋 Active
console-overdue = ⚠ Overdue
console-find-book = 🔎 Find a book
console-find-reader = 👤 Find a reader
console-stats = 📊 Stats
console-add-book = ➕ Add a book
console-home = 🏠 Console
console-next = Next ▸
console-first = ⏮ First page
console-list-hint = Tap a loan to open its card.
console-loan-returned-short = returned { $date }
console-loan-late-short = ⚠ { $days ->
    [one] 1 day
   *[other] { $days } days
} late
console-loan-due-short = due { $date }
console-reader-title = 👤 <b>Reader #{ $id }</b>
console-payment-paid = paid { $date }
console-payment-refunded = refunded { $date }
payment-status-expired-staff = unpaid, its link expired
console-payment-line = • #{ $id } { $type ->
    [FINE] fine
    [EXTENSION] extension
   *[other] rent
} { $amount } USD — { $status }
console-loan-title = 📄 <b>Borrowing #{ $id }</b>
console-loan-book = Book: <b>{ $title }</b> by { $author } (#{ $id })
console-loan-reader = Reader: { $reader }
console-loan-email = { $email }
console-loan-dates = Borrowed { $borrowed } · due { $due }
console-loan-dates-late = Borrowed { $borrowed } · due { $due } · ⚠ <b>{ $days ->
    [one] 1 day
   *[other] { $days } days
} overdue</b>
console-loan-dates-returned = Borrowed { $borrowed } · due { $due } · returned { $returned }
console-loan-payments = Payments:
console-loan-no-payments = No payments.
console-return = ↩ Return
console-remind = 🔔 Remind
console-refund = 💸 Refund #{ $id } · { $amount } USD
console-open-book = 📖 Book
console-open-reader = 👤 Reader's loans
console-return-question = Mark <b>“{ $title }”</b> (borrowing #{ $id }, { $reader }) returned today?
console-return-late = It is { $days ->
    [one] 1 day
   *[other] { $days } days
} late: a fine of <b>{ $fine } USD</b> will be charged.
console-return-on-time = It is on time: no fine.
console-return-yes = ✅ Yes, it is back
console-refund-question = Refund payment #{ $id } — the { $type ->
    [FINE] fine
    [EXTENSION] extension
   *[other] rent
} of <b>{ $amount } USD</b> for “{ $title }” — to { $reader }? The money goes back through Stripe.
console-refund-yes = ✅ Refund { $amount } USD
console-refund-typed-yes = ✅ Yes, refund { $amount } USD
console-refund-no = ✖️ No, keep it
console-book-title = 📖 <b>{ $title }</b> (#{ $id })
console-book-details = { $author } · { $cover } · { $fee } USD/day
console-book-copies = On the shelf: <b>{ $shelf }</b> · on loan: { $out }
console-book-copies-held = On the shelf: <b>{ $shelf }</b> · { $held } set aside for { $held ->
    [one] a reader
   *[other] readers
} · on loan: { $out }
console-book-no-queue = Queue: nobody is waiting.
console-book-queue-more = …and { $rest } more: /admin holds { $id }
console-inventory-minus = ➖ 1 copy
console-inventory-plus = ➕ 1 copy
console-stats-refresh = 🔄 Refresh
console-reminded-overdue = The overdue notice is on its way to the reader.
console-reminded-due = The due-date reminder is on its way to the reader.
console-remind-no-telegram = This reader has no Telegram linked: nothing was sent.
console-remind-already = This reader was already reminded about this loan today.
console-find-book-ask = 🔎 Send the title, author or ISBN to look for (reply to this message).
console-find-reader-ask = 👤 Send the reader's account number, @username or email (reply to this message).
console-search-again = 🔎 Search again
console-book-shelf-short = { $copies ->
    [one] 1 copy
   *[other] { $copies } copies
} on the shelf
console-search-more = Showing the first { $limit }: send more words to narrow it down.
