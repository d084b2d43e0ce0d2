# Сповіщення з черги (bot/notices.ts). t() екранує кожне значення, яке підставляє (i18n/index.ts).

notify-pay-button = 💳 Оплатити { $amount } USD
notify-hold-borrow-button = 📖 Позичити
notify-extend-button = 🔁 Продовжити
notify-hold-open-book-button = 📖 Відкрити книжку

## Чат персоналу

notify-staff-borrowing-created =
    📚 <b>Нова видача</b> #{ $borrowingId }
    Читач: { $reader }
    Книжка: { $book }
    Повернути до: { $dueDate }
    Оренда: { $rent } USD
notify-staff-borrowing-extended =
    🔁 <b>Видачу продовжено</b> #{ $borrowingId }
    Читач: { $reader }
    Книжка: { $book }
    Повернути до: { $dueDate } (було { $previousDate })
    Продовження: { $rent } USD
notify-staff-borrowing-returned =
    ↩️ <b>Книжку повернуто</b> #{ $borrowingId }
    Читач: { $reader }
    Книжка: { $book }
    Повернути до: { $dueDate }, повернуто: { $returnDate }
notify-staff-borrowing-returned-late = ⚠️ Запізнення { $days } { $days ->
        [one] день
        [few] дні
        [many] днів
       *[other] дня
    } — штраф { $fine } USD
notify-staff-payment-received =
    💰 <b>Оплату отримано</b>: { $amount } USD ({ $type ->
        [FINE] штраф
        [EXTENSION] продовження
       *[other] оренда
    })
    Читач: { $reader }
    Книжка: { $book }
notify-staff-overdue-none = ✅ Сьогодні немає прострочених видач ({ $date }).
notify-staff-overdue-header = ⏰ <b>Прострочені видачі на { $date }</b>: усього { $total }
notify-staff-overdue-summary = ⏰ <b>Прострочені видачі на { $date }</b>: усього { $total }, у { $readers } { $readers ->
        [one] читача
       *[other] читачів
    }
notify-staff-overdue-oldest = Найдовше прострочені:
notify-staff-overdue-more = …і ще { $rest }.
notify-staff-overdue-page = Увесь список — /admin overdue або кнопка нижче.
notify-staff-overdue-button = 📋 Усі прострочені видачі
notify-staff-overdue-line = • #{ $borrowingId } { $reader } — { $book }, до { $dueDate }, прострочено на { $days } { $days ->
        [one] день
        [few] дні
        [many] днів
       *[other] дня
    }

## Читач

notify-reader-borrowing-confirmed =
    ✅ <b>Ви позичили «{ $book }»</b> ({ $author }).
    Будь ласка, поверніть до <b>{ $dueDate }</b>.
    Оренда: { $rent } USD — оплатіть, будь ласка, протягом 24 годин.
notify-reader-borrowing-extended =
    🔁 <b>«{ $book }»</b> тепер треба повернути до <b>{ $dueDate }</b> (було { $previousDate }).
    Продовження: { $rent } USD — оплатіть, будь ласка, протягом 24 годин.
notify-reader-payment-received = 💚 Дякуємо! Ми отримали { $amount } USD { $type ->
        [FINE] штрафу за запізнення за «{ $book }»
        [EXTENSION] за продовження «{ $book }»
       *[other] оренди за «{ $book }»
    }.
notify-reader-due-soon =
    ⏳ <b>Нагадування</b>: «{ $book }» треба повернути { $days ->
        [0] <b>сьогодні</b>
        [1] <b>завтра</b>
       *[other] через <b>{ $days } { $days ->
            [one] день
            [few] дні
            [many] днів
           *[other] дня
        }</b>
    } ({ $dueDate }).
    Поверніть вчасно, щоб уникнути штрафу.
notify-reader-due-soon-waiting = 👥 На цю книжку { $readers ->
        [one] чекає { $readers } читач
        [few] чекають { $readers } читачі
        [many] чекають { $readers } читачів
       *[other] чекають { $readers } читача
    }, тому цю позику не можна подовжити.
notify-reader-overdue =
    ⚠️ <b>Прострочено</b>: «{ $book }» треба було повернути { $dueDate } ({ $days } { $days ->
        [one] день
        [few] дні
        [many] днів
       *[other] дня
    } тому).
    Поверніть якомога швидше: штраф { $finePerDay } USD за кожен день нараховується при поверненні (наразі { $fineSoFar } USD).
notify-reader-fine-created =
    🧾 Ви повернули «{ $book }» із запізненням на { $days } { $days ->
        [one] день
        [few] дні
        [many] днів
       *[other] дня
    }.
    Штраф: <b>{ $fine } USD</b>.
notify-reader-already-paid = ✔️ Уже оплачено — дякуємо.
notify-reader-still-to-pay = Ще до оплати:
notify-reader-nothing-to-pay = Більше нічого оплачувати не треба.
notify-reader-returned-by-staff = ↩️ Бібліотека позначила книжку «{ $book }» поверненою { $date }. Дякуємо!
notify-reader-returned-late = Її повернули із запізненням на { $days ->
        [one] { $days } день
        [few] { $days } дні
       *[other] { $days } днів
    }: штраф <b>{ $fine } USD</b>.
notify-reader-payment-refunded = 💸 { $type ->
        [FINE] Штраф за запізнення
        [EXTENSION] Оплату продовження
       *[other] Оренду
    } { $amount } USD за «{ $book }» повернено. Гроші надійдуть на вашу картку.
notify-reader-payment-expired = ⌛ Посилання на оплату { $type ->
        [FINE] штрафу за запізнення
        [EXTENSION] продовження
       *[other] оренди
    } { $amount } USD за «{ $book }» застаріло. Натисніть «Оплатити», щоб отримати нове: доки платіж не оплачено, позичати не можна.
notify-staff-open-button = 📄 Відкрити картку
notify-staff-digest-title = 📰 <b>{ $total ->
        [one] { $total } сповіщення
        [few] { $total } сповіщення
       *[other] { $total } сповіщень
    } для працівників одним повідомленням</b>: їх надійшло більше, ніж цей чат може отримати за хвилину.
notify-staff-digest-count-created = 📚 Нові видачі: { $count }
notify-staff-digest-count-extended = 🔁 Продовжені видачі: { $count }
notify-staff-digest-count-returned = ↩️ Повернені книжки: { $count }
notify-staff-digest-count-paid = 💰 Отримані оплати: { $count }
notify-staff-digest-first = Перші з них:
notify-staff-digest-line-created = • 📚 #{ $borrowingId } { $reader } — { $book }, до { $dueDate }
notify-staff-digest-line-extended = • 🔁 #{ $borrowingId } { $reader } — { $book }, тепер до { $dueDate }
notify-staff-digest-line-returned = • ↩️ #{ $borrowingId } { $reader } — { $book }
notify-staff-digest-line-paid = • 💰 { $amount } USD ({ $type ->
        [FINE] штраф
        [EXTENSION] продовження
       *[other] оренда
    }) { $reader } — { $book }
notify-staff-digest-more = …і ще { $rest }: у консолі є всі видачі й оплати.
notify-staff-digest-active-button = 📋 Активні видачі
notify-staff-digest-console-button = 🏠 Консоль
notify-reader-hold-ready =
    📗 <b>«{ $book }»</b> ({ $author }) чекає на вас!
    Примірник відкладено для вас до <b>{ $until }</b>. Позичте його до цього часу, інакше він перейде до наступного читача в черзі.
notify-reader-hold-expired =
    ⌛ Ваша черга на «{ $book }» ({ $author }) минула: відкладений для вас примірник не позичили вчасно, і він перейшов до наступного читача (або повернувся на полицю).
    Ви можете знову стати в чергу з картки книжки.
notify-reader-telegram-replaced =
    🔗 Ваш обліковий запис бібліотеки { $email } щойно пов'язано з іншим Telegram: { $name }. Цей чат більше не отримує його сповіщень.
    Якщо це зробили не ви, негайно змініть пароль облікового запису (це завершить усі сеанси), а потім знову пов'яжіть цей Telegram.
notify-reader-telegram-unlinked =
    🔗 Цей Telegram від'єднано від вашого облікового запису бібліотеки { $email }. Цей чат більше не отримує його сповіщень.
    Якщо це зробили не ви, негайно змініть пароль облікового запису (це завершить усі сеанси), а потім знову пов'яжіть цей Telegram.
