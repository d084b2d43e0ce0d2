# Notifications delivered from the outbox (bot/notices.ts). t() escapes every value it fills in
# (i18n/index.ts); the markup here is Telegram HTML.

notify-pay-button = 💳 Pay { $amount } USD
notify-hold-borrow-button = 📖 Borrow
notify-extend-button = 🔁 Extend
notify-hold-open-book-button = 📖 Open the book

## Staff chat

notify-staff-borrowing-created =
    📚 <b>New borrowing</b> #{ $borrowingId }
    Reader: { $reader }
    Book: { $book }
    Due back: { $dueDate }
    Rent: { $rent } USD
notify-staff-borrowing-extended =
    🔁 <b>Loan extended</b> #{ $borrowingId }
    Reader: { $reader }
    Book: { $book }
    Due back: { $dueDate } (was { $previousDate })
    Extension: { $rent } USD
notify-staff-borrowing-returned =
    ↩️ <b>Book returned</b> #{ $borrowingId }
    Reader: { $reader }
    Book: { $book }
    Due back: { $dueDate }, returned: { $returnDate }
notify-staff-borrowing-returned-late = ⚠️ { $days } { $days ->
        [one] day
       *[other] days
    } late — fine { $fine } USD
notify-staff-payment-received =
    💰 <b>Payment received</b>: { $amount } USD ({ $type ->
        [FINE] fine
        [EXTENSION] extension
       *[other] rent
    })
    Reader: { $reader }
    Book: { $book }
notify-staff-overdue-none = ✅ No borrowings overdue today ({ $date }).
notify-staff-overdue-header = ⏰ <b>Overdue borrowings on { $date }</b>: { $total } in total
notify-staff-overdue-summary = ⏰ <b>Overdue borrowings on { $date }</b>: { $total } in total, held by { $readers } { $readers ->
        [one] reader
       *[other] readers
    }
notify-staff-overdue-oldest = Longest overdue first:
notify-staff-overdue-more = …and { $rest } more.
notify-staff-overdue-page = Page through all of them with /admin overdue or the button below.
notify-staff-overdue-button = 📋 All overdue borrowings
notify-staff-overdue-line = • #{ $borrowingId } { $reader } — { $book }, due { $dueDate }, { $days } { $days ->
        [one] day
       *[other] days
    } overdue

## Reader

notify-reader-borrowing-confirmed =
    ✅ <b>You borrowed “{ $book }”</b> by { $author }.
    Please bring it back by <b>{ $dueDate }</b>.
    Rent: { $rent } USD — please pay within 24 hours.
notify-reader-borrowing-extended =
    🔁 <b>“{ $book }”</b> is now due back on <b>{ $dueDate }</b> (was { $previousDate }).
    Extension: { $rent } USD — please pay within 24 hours.
notify-reader-payment-received = 💚 Thank you! We received { $amount } USD for { $type ->
        [FINE] the late-return fine
        [EXTENSION] the extension
       *[other] the rent
    } of “{ $book }”.
notify-reader-due-soon =
    ⏳ <b>Reminder</b>: “{ $book }” is due back { $days ->
        [0] <b>today</b>
        [1] <b>tomorrow</b>
       *[other] in <b>{ $days } days</b>
    } ({ $dueDate }).
    Please return it on time to avoid a late fine.
notify-reader-due-soon-waiting = 👥 { $readers } { $readers ->
        [one] reader is
       *[other] readers are
    } waiting for this book, so this loan cannot be extended.
notify-reader-overdue =
    ⚠️ <b>Overdue</b>: “{ $book }” was due back on { $dueDate } ({ $days } { $days ->
        [one] day
       *[other] days
    } ago).
    Please return it as soon as you can: a late fine of { $finePerDay } USD per day is charged on return (so far { $fineSoFar } USD).
notify-reader-fine-created =
    🧾 You returned “{ $book }” { $days } { $days ->
        [one] day
       *[other] days
    } late.
    Late fine: <b>{ $fine } USD</b>.
notify-reader-already-paid = ✔️ Already paid — thank you.
notify-reader-still-to-pay = Still to pay:
notify-reader-nothing-to-pay = Nothing else is waiting to be paid.
notify-reader-returned-by-staff = ↩️ The library marked “{ $book }” returned on { $date }. Thank you!
notify-reader-returned-late = It came back { $days ->
        [one] 1 day
       *[other] { $days } days
    } late: a fine of <b>{ $fine } USD</b> is due.
notify-reader-payment-refunded = 💸 Your { $type ->
        [FINE] late-return fine
        [EXTENSION] loan extension
       *[other] rent
    } of { $amount } USD for “{ $book }” was refunded. The money goes back to your card.
notify-reader-payment-expired = ⌛ The payment link for your { $type ->
        [FINE] late-return fine
        [EXTENSION] loan extension
       *[other] rent
    } of { $amount } USD for “{ $book }” expired unpaid. Press Pay for a new one — you cannot borrow again until it is paid.
notify-staff-open-button = 📄 Open the card
notify-staff-digest-title = 📰 <b>{ $total } staff notices in one message</b>: more came at once than this chat may be sent in a minute.
notify-staff-digest-count-created = 📚 New borrowings: { $count }
notify-staff-digest-count-extended = 🔁 Loans extended: { $count }
notify-staff-digest-count-returned = ↩️ Books returned: { $count }
notify-staff-digest-count-paid = 💰 Payments received: { $count }
notify-staff-digest-first = The first of them:
notify-staff-digest-line-created = • 📚 #{ $borrowingId } { $reader } — { $book }, due { $dueDate }
notify-staff-digest-line-extended = • 🔁 #{ $borrowingId } { $reader } — { $book }, now due { $dueDate }
notify-staff-digest-line-returned = • ↩️ #{ $borrowingId } { $reader } — { $book }
notify-staff-digest-line-paid = • 💰 { $amount } USD ({ $type ->
        [FINE] fine
        [EXTENSION] extension
       *[other] rent
    }) { $reader } — { $book }
notify-staff-digest-more = …and { $rest } more: the console has every loan and payment.
notify-staff-digest-active-button = 📋 Active borrowings
notify-staff-digest-console-button = 🏠 Console
notify-reader-hold-ready =
    📗 <b>“{ $book }”</b> by { $author } is waiting for you!
    A copy is set aside for you until <b>{ $until }</b>. Borrow it before then, or it goes to the next reader in the queue.
notify-reader-hold-expired =
    ⌛ Your hold on “{ $book }” by { $author } has expired: the copy set aside for you was not borrowed in time and has gone to the next reader (or back to the shelf).
    You can join the queue again from the book's card.
notify-reader-telegram-replaced =
    🔗 Your library account { $email } has just been linked to another Telegram: { $name }. This chat no longer gets the account's notices.
    If this was not you, change the account's password now (that ends every session), then link this Telegram again.
notify-reader-telegram-unlinked =
    🔗 This Telegram was unlinked from your library account { $email }. This chat no longer gets the account's notices.
    If this was not you, change the account's password now (that ends every session), then link this Telegram again.
