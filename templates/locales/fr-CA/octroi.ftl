## Problems (API and forms)
problem-this-field-is-required = Ce champ est obligatoire.
problem-at-most-characters = Au plus { $max } caractères.
problem-a-neq-is-exactly-10-digits = Le NEQ compte exactement 10 chiffres.
problem-a-neq-starts-with-11-22 = Le NEQ commence par 11, 22, 33 ou 88 (sa forme juridique).
problem-the-region-is-a-code-from = La région est un code de 01 à 17.
problem-the-e-mail-address-must-look = L'adresse courriel doit ressembler à nom@exemple.org.
problem-the-postal-code-must-look-like = Le code postal doit ressembler à H2X 1Y4.
problem-the-language-is-fr-or-en = La langue est fr ou en.
problem-not-a-number-write-it-like = Nombre invalide : écrivez-le comme { $form }.
problem-ambiguous-amount = Milliers ou décimales ? Écrivez le montant comme { $form }.
problem-at-most-two-decimals = Au plus deux décimales.
problem-must-not-be-negative = Ne peut pas être négatif.
problem-too-large = Trop élevé.
problem-value-out-of-the-allowed-range = Valeur hors des limites permises.
problem-choose-one-of-the-options-offered = Choisissez une des options offertes.
problem-a-whole-number-from-1-to = Un nombre entier de 1 à { $max }.
problem-at-most-lines = Au plus { $max } lignes.
problem-the-password-has-at-least-12 = Le mot de passe compte au moins 12 caractères.
problem-the-password-has-at-most-256 = Le mot de passe compte au plus 256 caractères.
problem-the-two-passwords-differ = Les deux mots de passe diffèrent.
problem-bad-request = Requête invalide
problem-malformed-json = JSON mal formé
problem-invalid-request-body = Corps de requête invalide
problem-request-too-large = Requête trop volumineuse
problem-a-request-body-is-limited-to = Le corps d'une requête est limité à 1 Mio.
problem-unsupported-content-type = Type de contenu non pris en charge
problem-send-json-content-type-application-json = Envoyez du JSON (en-tête Content-Type application/json).
problem-some-fields-are-invalid = Certains champs sont invalides
problem-nothing-was-saved-correct-the-fields = Rien n'a été enregistré ; corrigez les champs indiqués.
problem-not-found = Introuvable
problem-method-not-allowed = Méthode non permise
problem-this-address-does-not-accept-this = Cette adresse n'accepte pas cette méthode HTTP.
problem-unknown-address = Adresse inconnue
problem-see-api-v1-openapi-json-for = Voir /api/v1/openapi.json pour les adresses de l'API.
problem-unknown-organism = Organisme inconnu
problem-organism-already-registered = Organisme déjà inscrit
problem-an-organism-with-this-neq-already = Un organisme avec ce NEQ existe déjà.
problem-changed-in-the-meantime = Modifié entre-temps
problem-someone-else-changed-this-application-reload = Quelqu'un d'autre a modifié cette demande ; rechargez-la et recommencez.
problem-application-cannot-be-changed = Demande non modifiable
problem-an-application-in-state-can-no = Une demande à l'état « { $state } » ne peut plus être modifiée.
problem-action-not-possible-at-this-stage = Action impossible à cette étape
problem-event-not-allowed-detail = « { $event } » n'est pas permis à l'état « { $state } ». Permis : { $allowed }.
problem-action-reserved-for-another-role = Action réservée à un autre rôle
problem-role-may-not-do = Le rôle « { $role } » ne peut pas faire « { $event } ».
problem-conditions-not-met = Conditions non remplies
problem-conditions-detail = « { $event } » exige : { $failed }.
problem-service-unavailable = Service indisponible
problem-internal-error = Erreur interne
problem-an-unexpected-error-occurred-nothing-was = Une erreur imprévue est survenue ; rien n'a été enregistré. Donnez l'identifiant de requête au soutien.
problem-nothing = aucune action
problem-unauthenticated = Connexion requise
problem-unauthenticated-detail = Connectez-vous, ou donnez un jeton d'API valide (Authorization : Bearer …).
problem-forbidden = Accès refusé
problem-forbidden-detail = Votre compte ne permet pas cette action.
problem-csrf = Formulaire expiré
problem-csrf-detail = Ce formulaire n'est plus valide. Rechargez la page et recommencez ; rien n'a été enregistré.
problem-too-many-attempts = Trop de tentatives
problem-too-many-attempts-detail = Trop de tentatives de connexion ont échoué. Attendez 15 minutes ou réinitialisez votre mot de passe.
problem-duplicate-email = Adresse déjà utilisée
problem-duplicate-email-detail = Un compte existe déjà avec cette adresse courriel.

## Navigation and layout
nav-skip = Aller au contenu
nav-label = Navigation principale
nav-home = Retour à l'accueil
nav-dashboard = Tableau de bord
nav-invite-member = Inviter un collègue
nav-invite-staff = Inviter du personnel
nav-logout = Se déconnecter
nav-login = Se connecter
nav-signup = Inscrire un organisme
lang-switch = English
form-errors-title = Il y a un problème
form-errors-partly-saved-title = Brouillon enregistré, sauf ces champs
form-errors-partly-saved = Tout le reste est enregistré. Les champs ci-dessous gardent ce que vous avez tapé sur cette page, mais ils n'ont pas été enregistrés : corrigez-les et enregistrez de nouveau.

## Sign in
login-title = Connexion
login-submit = Se connecter
login-forgot = Mot de passe oublié ?
login-signup = Inscrire un organisme
login-wrong = Courriel ou mot de passe incorrect.
notice-password-reset = Votre mot de passe a été changé. Connectez-vous avec le nouveau.
notice-invitation-accepted = Votre compte est créé. Connectez-vous.

## Fields
field-email = Courriel
field-password = Mot de passe
field-password-confirm = Mot de passe (encore une fois)
field-legal-name = Nom légal de l'organisme
field-neq = NEQ
field-region = Région
field-street-address = Adresse
field-city = Ville
field-postal-code = Code postal
field-contact-email = Courriel de la personne-ressource
field-mission-summary = Mission de l'organisme
field-preferred-language = Langue de correspondance
field-display-name = Votre nom
field-role = Rôle
field-choose = Choisissez…
field-title = Titre du projet
field-needs-assessment = Évaluation des besoins
field-project-description = Description du projet
field-line-category = Catégorie
field-line-description = Description
field-line-quantity = Quantité
field-line-unit-price = Prix unitaire estimé ($)
field-line-part = Ligne { $n } — { $part }
form-required-note = Les champs marqués d’un astérisque (*) sont obligatoires.
field-lines = Achats demandés
field-requested-coaching-hours = Heures d'accompagnement demandées
field-contact-name = Personne-ressource
field-withdraw-reason = Raison du retrait (facultatif)
hint-neq = Le numéro d'entreprise du Québec : 10 chiffres, par exemple 1143356789.
hint-password = Au moins 12 caractères. Une phrase facile à retenir fait un bon mot de passe.
hint-needs-assessment = Décrivez votre situation numérique actuelle et ce qui vous manque.
hint-lines = Une ligne par achat de matériel ou de logiciel. Laissez vides les lignes inutiles.
hint-coaching-hours = En heures, par exemple 6 ou 6,5. La moyenne est de 6 heures par organisme.

## Sign up
signup-title = Inscrire un organisme
signup-intro = Inscrivez votre organisme et créez votre compte pour demander une bourse DATAide.
signup-organism = L'organisme
signup-member = Votre compte
signup-submit = Inscrire l'organisme
signup-have-account = J'ai déjà un compte

## Passwords
forgot-title = Mot de passe oublié
forgot-intro = Entrez votre courriel : nous vous enverrons un lien pour choisir un nouveau mot de passe.
forgot-submit = Envoyer le lien
forgot-sent = Si un compte existe avec ce courriel, un lien vient d'y être envoyé. Il est valide une heure et ne sert qu'une fois.
reset-title = Nouveau mot de passe
password-submit = Enregistrer le mot de passe
change-title = Changer votre mot de passe
change-intro = Donnez le mot de passe que vous utilisez maintenant (le mot de passe temporaire à votre première connexion), puis le nouveau deux fois. Toutes les autres sessions de ce compte se terminent.
link-title = Lien invalide
link-unknown = Ce lien n'est pas valide. Vérifiez qu'il est complet, ou demandez-en un nouveau.
link-expired = Ce lien a expiré. Demandez-en un nouveau.
link-used = Ce lien a déjà servi. Demandez-en un nouveau au besoin.

## Invitations
invite-member-title = Inviter un collègue
invite-member-intro = Votre collègue recevra un lien pour créer son compte dans votre organisme.
invite-staff-title = Inviter du personnel
invite-staff-intro = La personne recevra un lien pour créer son compte avec le rôle choisi.
invite-submit = Envoyer l'invitation
invite-sent = Invitation envoyée à { $email }.
accept-title = Créer votre compte
accept-intro = Vous avez été invité à utiliser octroi. Choisissez votre nom et votre mot de passe.
role-member = Membre d'un organisme
role-reviewer = Évaluateur ou évaluatrice
role-program_officer = Agent ou agente de programme
role-finance = Finances
role-coach = Accompagnateur ou accompagnatrice
role-admin = Administration

## E-mails
mail-reset-subject = DATAide : changer votre mot de passe
mail-reset-body = Bonjour { $name },

    Pour choisir un nouveau mot de passe, ouvrez ce lien dans les { $minutes } prochaines minutes :
    { $link }

    Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.
mail-invite-subject = DATAide : invitation à utiliser octroi
mail-invite-body = Bonjour,

    { $inviter } vous invite à utiliser octroi, la plateforme des bourses DATAide.
    Créez votre compte en ouvrant ce lien d'ici { $days } jours :
    { $link }

## Dashboard
dashboard-title = Tableau de bord
dashboard-start = Commencer une demande de bourse
dashboard-applications = Demandes
dashboard-none = Aucune demande pour l'instant.
dashboard-recent = Dernières demandes modifiées
dashboard-all = Chercher parmi toutes les demandes
dashboard-work = À faire
dashboard-queue = File
dashboard-waiting = En attente
dashboard-oldest = La plus ancienne
dashboard-days = { $days ->
    [0] depuis aujourd'hui
    [one] depuis { $days } jour
   *[other] depuis { $days } jours
}
dashboard-year = Le programme, exercice { $year }
dashboard-requested = Demandé (matériel et logiciels)
dashboard-awarded = Octroyé
dashboard-finance = Voir les enveloppes et le grand livre
col-application = Demande
col-organism = Organisme
col-state = État
col-requested = Montant demandé
col-updated = Mise à jour
col-total = Total
col-date = Date
col-step = Étape
col-by = Par
col-reason = Raison
grant-untitled = Demande nº { $id } (sans titre)

## Workflow states
state-draft = Brouillon
state-submitted = Soumise
state-screening = Vérification d'admissibilité
state-in_review = En évaluation
state-decision = En décision
state-more_info = Renseignements demandés
state-approved = Approuvée
state-awarded = Bourse octroyée
state-accepted = Lettre acceptée
state-active = En cours
state-closing = En clôture
state-closed = Fermée
state-declined = Refusée
state-withdrawn = Retirée
state-cancelled = Annulée

## Workflow events
event-submit = Soumission
event-begin_screening = Début de la vérification
event-send_to_review = Envoi en évaluation
event-request_info = Demande de renseignements
event-provide_info = Réponse de l'organisme
event-complete_reviews = Évaluations terminées
event-approve = Approbation
event-decline = Refus
event-award = Octroi
event-accept = Acceptation de la lettre
event-activate = Activation
event-begin_closing = Début de la clôture
event-close = Fermeture
event-withdraw = Retrait
event-cancel = Annulation

## Application form
edit-title = Demande de bourse DATAide
edit-intro = Remplissez la demande à votre rythme : enregistrez le brouillon et revenez plus tard. État :
grant-saved = Brouillon enregistré.
edit-project = Le projet
edit-lines = Matériel et logiciels demandés
edit-more-lines = Ajouter des lignes
edit-coaching-contact = Accompagnement et personne-ressource
edit-save = Enregistrer le brouillon
edit-send-submit = Vérifier et soumettre
edit-send-provide_info = Enregistrer et écrire ma réponse
edit-status-link = Voir l'état de la demande
category-equipment = Matériel informatique
category-software = Logiciels
category-coaching = Accompagnement
problem-nothing-requested = Demandez au moins une ligne de matériel ou de logiciel, ou des heures d'accompagnement.

## Status page
show-title = État de la demande
show-more-info = Complétez la demande au besoin, puis envoyez votre réponse.
show-answer = Modifier la demande avant de répondre
show-edit = Modifier la demande
show-application = La demande
show-history = Historique
show-no-history = La demande n'a pas encore été soumise.
show-withdraw = Retirer la demande

## Review: queues, screening, reviews, decisions (issue 4)
queue-screening = Vérification
queue-review = En évaluation
queue-decision = Décision
queue-waiting = En attente de l'organisme
queue-my-reviews = Mes évaluations
queue-all-regions = Toutes les régions
queue-year = Exercice de soumission
queue-all-years = Tous les exercices
queue-reviewer = Évaluatrice ou évaluateur assigné
queue-all-reviewers = Toutes et tous
queue-min = Montant demandé minimal ($)
queue-max = Montant demandé maximal ($)
queue-sort = Trier par
queue-sort-age = Ancienneté dans l'étape
queue-sort-score = Note des évaluations
queue-filter = Filtrer
queue-empty = Aucune demande dans cette file.
queue-none-match = Aucune demande ne correspond à cette recherche ou à ces filtres.
queue-select = Choisir
queue-pages = Pages de la file
queue-page = Page
queue-previous = Page précédente
queue-next = Page suivante
queue-all = Toutes les demandes
queue-award = À octroyer
queue-acceptance = En attente d'acceptation
queue-search = Rechercher
hint-queue-search = Nom de l'organisme (accents et majuscules sans importance), NEQ ou numéro de demande
queue-all-states = Tous les états
field-state = État
queue-sort-date = Date de soumission
queue-sort-organism = Organisme
queue-sort-amount = Montant demandé
queue-sort-state = État
queue-sorted = trié
queue-export = Télécharger la liste (CSV)
col-neq = NEQ
problem-unknown-filter = Cette adresse contient un filtre que la liste ne connaît pas ; voici la liste sans filtre.
problem-choose-region = Choisissez une région.
problem-choose-category = Choisissez une catégorie.
problem-choose-application = Cochez au moins une demande.
col-days = Jours dans l'étape
col-score = Note
batch-legend = Agir sur les demandes cochées
batch-event = Action
batch-approve = Approuver comme demandé
batch-decline = Refuser
batch-assign = Compléter les évaluatrices et évaluateurs
batch-submit = Appliquer aux demandes cochées
batch-title = Actions en lot
batch-done = décision enregistrée.
batch-none = Aucune demande cochée : rien n'a été décidé.
field-decision-reason = Message à l'organisme
hint-decision-reason = Obligatoire pour un refus ou une demande de renseignements ; l'organisme le reçoit par courriel.
field-proposed-equipment = Matériel proposé ($)
field-proposed-software = Logiciels proposés ($)
field-proposed-coaching_hours = Heures d'accompagnement proposées
field-recommendation = Recommandation
field-comment = Commentaire
field-conflict-reason = Nature du conflit d'intérêts
hint-conflict = Vous quitterez les demandes de cet organisme que vous n'avez pas encore évaluées ; une autre personne les évaluera.
hint-assign = Seules les personnes sans conflit d'intérêts avec l'organisme sont proposées, les moins chargées d'abord.
recommendation-approve = Approuver
recommendation-decline = Refuser
recommendation-discuss = À discuter
manage-title = Traitement de la demande
manage-application = Voir la demande complète
manage-eligibility = Admissibilité
manage-rule = Règle
manage-result = Résultat
rule-passed = Respectée
rule-failed = Non respectée
manage-reviewers = Évaluatrices et évaluateurs
manage-reviewers-wanted = Chaque demande reçoit { $count } évaluations.
manage-no-reviewer = Personne n'évalue encore cette demande.
manage-reviewed = évaluation remise
manage-pending = évaluation attendue
manage-unassign = Retirer
manage-assign-label = Ajouter une évaluatrice ou un évaluateur
manage-assign = Assigner
manage-auto = Compléter automatiquement
manage-load = { $count } en cours
manage-decision = Décision
manage-no-decision = Aucune décision n'est à prendre à cette étape.
manage-proposal = Montants proposés
manage-do-send_to_review = Admissible : envoyer en évaluation
manage-do-complete_reviews = Passer à la décision
manage-do-approve = Approuver
manage-do-decline = Refuser
manage-do-request_info = Demander des renseignements
reviews-title = Évaluations
reviews-none = Aucune évaluation remise.
reviews-mean = note moyenne
reviews-criterion = Critère
reviews-weighted = Note pondérée
review-title = Évaluation de la demande
review-form = Votre évaluation
review-hidden = Les notes des autres évaluatrices et évaluateurs s'affichent une fois la vôtre remise.
review-weight = pondération { $weight } %
review-submit = Remettre l'évaluation
review-closed = Cette demande n'accepte plus d'évaluation.
conflict-title = Conflit d'intérêts
conflict-submit = Déclarer un conflit d'intérêts
notice-done = Décision enregistrée.
notice-assigned = Évaluatrices et évaluateurs assignés.
notice-unassigned = Personne retirée de l’évaluation.
notice-short = Il manque des évaluatrices ou évaluateurs sans conflit d'intérêts : assignez-en un à la main.
notice-reviewed = Évaluation remise. Merci !
notice-conflict = Conflit déclaré : vous ne verrez plus les demandes de cet organisme.
problem-nothing-proposed = Proposez un montant ou des heures d'accompagnement.
problem-score-on-scale = Choisissez une note entière de { $min } à { $max }.
problem-above-cap = Le total, accompagnement compris, dépasse le plafond de { $cap } par bourse.
problem-not-reviewable = Évaluation impossible à cette étape
problem-not-reviewable-detail = La demande n'est pas en évaluation ; rien n'a été enregistré.
problem-proposal-required = Montants requis
problem-proposal-required-detail = Pour approuver, indiquez les montants proposés et les heures d'accompagnement.
problem-not-assigned = Demande non assignée
problem-not-assigned-detail = Cette demande ne vous est pas assignée ; vous ne pouvez pas l'évaluer.
problem-already-reviewed = Évaluation déjà remise
problem-already-reviewed-detail = Vous avez déjà évalué cette demande ; une évaluation remise ne se modifie pas.
problem-conflict-of-interest = Conflit d'intérêts
problem-conflict-of-interest-detail = Cette personne travaille pour l'organisme ou a déclaré un conflit d'intérêts avec lui : elle ne peut pas évaluer sa demande.
problem-not-a-reviewer = Pas de rôle d’évaluation
problem-not-a-reviewer-detail = Ce compte n'a pas le rôle d'évaluation.
mail-assigned-subject = DATAide : une demande à évaluer
mail-assigned-body = Bonjour { $name },

    La demande « { $title } » vous est assignée pour évaluation :
    { $link }

    Si vous êtes en conflit d'intérêts avec l'organisme, déclarez-le sur cette page.
mail-step-submit-subject = DATAide : demande « { $title } » reçue
mail-step-submit-body = Bonjour { $name },

    Nous avons bien reçu votre demande « { $title } ». Elle sera d'abord vérifiée, puis évaluée.
    Suivez-la ici : { $link }
mail-step-request_info-subject = DATAide : renseignements demandés pour « { $title } »
mail-step-request_info-body = Bonjour { $name },

    Le programme a besoin de renseignements sur votre demande « { $title } » :

    { $reason }

    Complétez la demande puis envoyez votre réponse : { $link }
mail-step-approve-subject = DATAide : demande « { $title } » approuvée
mail-step-approve-body = Bonjour { $name },

    Bonne nouvelle : votre demande « { $title } » est approuvée. La lettre d'octroi suivra.
    { $link }
mail-step-decline-subject = DATAide : décision sur « { $title } »
mail-step-decline-body = Bonjour { $name },

    Nous regrettons de vous annoncer que votre demande « { $title } » n'est pas retenue.
    Raison : { $reason }

    { $link }
mail-step-award-subject = DATAide : bourse octroyée pour « { $title } »
mail-step-award-body = Bonjour { $name },

    La bourse de votre demande « { $title } » est octroyée. Votre lettre d'octroi vous attend :
    { $link }

## Ledger (issue 5)
problem-ledger-not-positive = Montant invalide
problem-ledger-not-positive-detail = Un montant doit être supérieur à zéro.
problem-ledger-no-allocation = Aucune enveloppe pour cette année
problem-ledger-no-allocation-detail = L'enveloppe { $envelope } n'a pas d'allocation pour l'exercice { $year }.
problem-insufficient-funds = Fonds insuffisants
problem-insufficient-funds-detail = L'enveloppe { $envelope } de l'exercice { $year } n'a plus que { $available } de disponible : il manque { $missing }. Rien n'a été engagé.
problem-ledger-unknown-entry = Écriture introuvable
problem-ledger-unknown-entry-detail = Cette écriture ou cet engagement n'existe pas.
problem-exceeds-commitment = Engagement dépassé
problem-exceeds-commitment-detail = L'engagement ne contient plus que { $remaining }, moins que les { $asked } demandés.
problem-already-settled = Engagement déjà soldé
problem-already-settled-detail = Cet engagement a déjà été libéré ; rien ne peut plus y être dépensé.
problem-not-reversible = Contrepassation impossible
problem-not-reversible-detail = Cette écriture est déjà contrepassée, ou d'autres écritures en dépendent.
problem-award-required = Montants de la bourse requis
problem-award-required-detail = Pour octroyer la bourse, indiquez les montants, les enveloppes et l'exercice.
problem-award-nothing = Bourse vide
problem-award-nothing-detail = Une bourse octroie au moins un montant ou des heures d'accompagnement.
problem-award-not-as-previewed = Refaites l'aperçu
problem-award-not-as-previewed-detail = Les montants, l'exercice ou la répartition entre les enveloppes diffèrent de l'aperçu : rien n'a été engagé. Refaites l'aperçu de l'octroi, vérifiez-le, puis confirmez.
problem-award-above-cap = Plafond dépassé
problem-award-above-cap-detail = La bourse, accompagnement compris, dépasse le plafond par bourse du programme.
problem-award-no-envelope = Aucune enveloppe pour cette catégorie
problem-award-no-envelope-detail = Aucune enveloppe du programme ne paie une des catégories de cette bourse.
problem-idempotency-replay = Demande déjà reçue
problem-idempotency-replay-detail = Cette clé d'idempotence a déjà servi pour une autre demande.
problem-idempotency-key-required = Clé d'idempotence requise
problem-idempotency-key-required-detail = Confirmez une bourse avec l'en-tête Idempotency-Key, pour qu'une nouvelle tentative ne l'engage pas deux fois.
problem-idempotency-key-reused = Clé d'idempotence déjà utilisée
problem-idempotency-key-reused-detail = Cette clé a déjà servi pour une demande différente ; rien n'a été engagé.
problem-idempotency-in-progress = Demande en cours
problem-idempotency-in-progress-detail = Une demande avec cette clé est en cours ; réessayez dans un instant.
award-legend = Octroyer la bourse
award-fiscal-year = Exercice financier des enveloppes
award-preview = Répartition entre les enveloppes
award-envelope = Enveloppe
award-preview-button = Voir la répartition
award-confirm = Confirmer l'octroi et engager les fonds
notice-award-made = Bourse octroyée : les fonds sont engagés.
finance-title = Enveloppes et grand livre
finance-intro = Par enveloppe et exercice financier, recalculé à partir des écritures du grand livre.
finance-year = Exercice
finance-allocated = Alloué
finance-committed = Engagé
finance-spent = Dépensé
finance-available = Disponible
finance-summary-csv = Télécharger le sommaire (CSV)
finance-ledger-csv = Télécharger le grand livre (CSV)
finance-csv-hint = Fichiers CSV pour un tableur en français (Canada) : UTF-8, champs séparés par des points-virgules, virgule décimale.
nav-finance = Finances

## Award letter (issue 5; laid out as a letter in issue 12)
letter-title = Lettre d'octroi — { $program }
letter-letterhead = Bourses pour la transformation numérique des organismes communautaires
letter-date = Le { $date }
letter-reference = Référence : demande nº { $id }
letter-neq = NEQ { $neq }
letter-subject = Objet : bourse { $program } pour le projet « { $project } »
letter-salutation = Madame, Monsieur,
letter-opening = Nous avons le plaisir de vous informer que { $operator }, qui administre le programme { $program }, accorde à { $organism } une bourse pour le projet « { $project } », afin d'acquérir du matériel et des logiciels adaptés et de bénéficier d'un accompagnement. La présente lettre en fixe les montants maximaux et les conditions.
letter-amounts = Montants maximaux accordés
letter-column-category = Catégorie
letter-column-amount = Montant
letter-coaching = Accompagnement ({ $hours } à { $rate } l'heure)
letter-total = Total
letter-sources = Sources de financement (exercice { $year })
letter-column-source = Fonds et catégorie
letter-conditions = Conditions
letter-duration-heading = Durée
letter-duration = La bourse est valable douze mois à compter de son acceptation.
letter-eligible-heading = Dépenses admissibles
letter-eligible = Le matériel, les logiciels et l'accompagnement approuvés par le programme, taxes nettes du remboursement auquel l'organisme a droit. Sont exclus le fonctionnement courant et toute dépense non approuvée.
letter-payments-heading = Versements
letter-payments = Les achats sont payés par le programme sur approbation de chaque commande ; l'accompagnement est payé à l'heure réalisée.
letter-obligations-heading = Obligations de l'organisme
letter-obligations = Utiliser les fonds aux fins prévues, conserver les pièces justificatives pendant six ans et remettre un rapport final à la fin de la bourse.
letter-repayment-heading = Remboursement et résiliation
letter-repayment = Les sommes utilisées à d'autres fins doivent être remboursées ; le programme peut résilier la bourse en cas de manquement, après en avoir avisé l'organisme par écrit.
letter-acceptance-heading = Acceptation
letter-acceptance = La personne autorisée de l'organisme accepte la présente lettre dans octroi ; son nom, son titre, la date et l'adresse réseau de sa connexion sont consignés, avec l'empreinte de la lettre acceptée.
letter-closing = Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.
letter-acceptance-box = Acceptation par l'organisme
letter-accepted = Acceptée au nom de { $organism } par { $name } ({ $title }) le { $date }.
letter-accepted-fingerprint = Empreinte SHA-256 de la lettre acceptée :
letter-acceptance-pending = En attente : la personne autorisée de l'organisme accepte cette lettre dans octroi, sur la page de la demande.
letter-footer = { $program } · demande nº { $id } · page { $page } de { $pages }
letter-download = Télécharger la lettre d'octroi (PDF)
letter-download-en = Lettre en anglais (PDF)
bourse-title = Votre bourse
bourse-awarded = Accordé
letter-download-fr = Lettre en français (PDF)

## Acceptance of the award letter (issue 5)
problem-acceptance-required = Signature requise
problem-acceptance-required-detail = Pour accepter la lettre d'octroi, indiquez votre nom et votre titre, et confirmez que vous en acceptez les conditions.
problem-receipt-required = Réception requise
problem-receipt-required-detail = Pour noter une réception, indiquez ce qui a été reçu, ligne par ligne, avec les numéros de série du matériel.
problem-invoice-required = Facture requise
problem-invoice-required-detail = Pour soumettre la facture, indiquez son numéro, sa date, ses lignes et joignez-la.
problem-return-required = Note de crédit requise
problem-return-required-detail = Pour noter un retour, indiquez la note de crédit du fournisseur : son numéro, sa catégorie, son montant, et joignez-la.
problem-run-line-required = Paiement par un lot seulement
problem-run-line-required-detail = Un achat est payé, ou son paiement noté comme échoué, seulement par la réponse de la banque à une ligne d'un lot de paiement (Paiements).
problem-command-required = Étape incomplète
problem-command-required-detail = Cette étape demande des renseignements qui n'ont pas été envoyés.
letter-accept-legend = Accepter la lettre d'octroi
letter-accept-intro = Lisez la lettre d'octroi avant de l'accepter. En l'acceptant, vous engagez l'organisme à en respecter les conditions ; votre nom, votre titre, la date et l'adresse réseau de votre connexion sont consignés.
field-signer-name = Votre nom
field-signer-title = Votre titre ou fonction dans l'organisme
field-accept-conditions = J'ai lu la lettre d'octroi et j'en accepte les conditions au nom de l'organisme.
field-accept-conditions-short = Acceptation des conditions
letter-accept-button = Accepter la lettre d'octroi
letter-accept-recorded = Lettre d'octroi acceptée par { $name } ({ $title }) le { $date }.
letter-accept-record-details = Adresse réseau : { $address } · empreinte SHA-256 de la lettre : { $sha }
notice-accepted = Lettre acceptée : la bourse est active.
notice-sent = Demande envoyée. L’équipe du programme vérifie d’abord son admissibilité, puis deux évaluatrices ou évaluateurs l’évaluent. Vous recevrez un courriel à chaque étape, et la décision dans quelques semaines.
notice-answered = Réponse envoyée. L’équipe du programme reprend l’étude de votre demande et vous écrira à l’étape suivante.
withdraw-title = Retirer la demande « { $title } » ?
withdraw-what = Une demande retirée n’est plus étudiée : elle ne peut plus être modifiée, évaluée ni octroyée. Son historique est conservé.
withdraw-after = Pour demander une bourse plus tard, votre organisme commencera une nouvelle demande.
withdraw-confirm = Retirer définitivement
hint-withdraw-reason = L’équipe du programme le lira dans l’historique de la demande.
confirm-cancel = Annuler et revenir
delete-title = Supprimer le brouillon « { $title } » ?
delete-what = Le brouillon et tout ce qui y a été saisi seront effacés. Cette action est définitive.
delete-confirm = Supprimer le brouillon
delete-link = Supprimer ce brouillon
notice-deleted = Brouillon supprimé.
dashboard-resume = Reprendre la demande en cours
mail-step-accept-subject = DATAide : lettre d'octroi acceptée pour « { $title } »
mail-step-accept-body = Bonjour { $name },

    La lettre d'octroi de « { $title } » a été acceptée au nom de votre organisme ({ $reason }). La bourse est maintenant active :
    { $link }
statement-title = Relevé de la bourse (grand livre)
statement-released = Libéré
statement-remaining = Reste à dépenser
problem-password-change-required = Choisissez d'abord un nouveau mot de passe
problem-password-change-required-detail = Ce compte doit choisir un nouveau mot de passe avant toute chose : ouvrez une session sur le Web et changez-le.
problem-wrong-password = Ce n'est pas votre mot de passe actuel.
problem-control-characters = Une seule ligne : pas de saut de ligne, de tabulation ni d'autre caractère de contrôle.
field-current-password = Mot de passe actuel
field-revoke-tokens = Révoquer aussi mes jetons d'API (les scripts et intégrations en demanderont de nouveaux)
reset-intro = Choisissez un nouveau mot de passe. Toutes les sessions de ce compte se terminent, sur tous les appareils.
problem-not-assignable = Pas en évaluation
problem-not-assignable-detail = Les évaluatrices et évaluateurs ne sont affectés que pendant l'évaluation de la demande.
problem-one-bourse-per-organism = Une bourse par organisme
problem-one-bourse-per-organism-detail = Votre organisme a déjà reçu une bourse DATAide ; le programme en accorde une par organisme.
mail-welcome-subject = DATAide : votre compte est prêt
mail-welcome-body = Bonjour { $name },

    Votre organisme est inscrit et votre compte est prêt. Ouvrez une session pour commencer votre demande :
    { $link }
mail-signup-known-subject = DATAide : inscription avec votre adresse
mail-signup-known-body = Bonjour,

    Quelqu'un a tenté d'inscrire un organisme avec cette adresse courriel, qui a déjà un compte. Rien n'a été créé.
    Si c'était vous, ouvrez une session avec votre mot de passe habituel (ou choisissez-en un nouveau depuis la page de connexion) : { $link }
    Sinon, vous pouvez ignorer ce message.
mail-signup-neq-known-subject = DATAide : votre inscription
mail-signup-neq-known-body = Bonjour,

    Vous avez tenté d'inscrire l'organisme dont le NEQ est { $neq }. Il est déjà inscrit au programme : rien n'a été créé.
    Pour y travailler, demandez à une personne de votre organisme qui a déjà un compte de vous inviter (menu « Inviter un collègue »). Si personne de votre organisme n'a de compte, ou si ce NEQ n'est pas le vôtre, écrivez à l'équipe du programme.
    Si vous n'avez rien demandé, vous pouvez ignorer ce message.
field-new-password = Nouveau mot de passe
field-new-password-confirm = Nouveau mot de passe (encore une fois)

## Footer and the pages it links to (issue 12)
footer-identity = DATAide · le virage numérique des organismes communautaires du Québec · programme administré par Centraide du Grand Montréal, financé par le FQIS et le FDMT
brand-tagline = Bourses en transformation numérique
footer-nav = Informations sur le programme
footer-contact = Nous joindre
footer-privacy = Confidentialité
footer-accessibility = Accessibilité
about-reach-us = Pour nous joindre
about-email = Courriel
about-phone = Téléphone
about-privacy-officer = Responsable de la protection des renseignements personnels
about-contact-title = Nous joindre
about-contact-intro = L'équipe du programme { $program } répond aux organismes du lundi au vendredi, en français et en anglais.
about-contact-write-heading = Une question sur votre demande
about-contact-write = Écrivez-nous en indiquant le numéro de votre demande (nº 42, par exemple) : il figure sur sa page et dans nos courriels. Nous répondons dans les deux jours ouvrables.
about-contact-help-heading = Un problème avec octroi
about-contact-help = Si une page ne fonctionne pas, ne s'affiche pas bien ou n'est pas accessible avec vos outils, dites-nous ce que vous faisiez et sur quelle page : nous vous aiderons à terminer votre démarche autrement au besoin.
about-privacy-title = Avis de confidentialité
about-privacy-intro = { $operator } administre le programme { $program } et protège les renseignements personnels qu'il recueille, conformément à la Loi sur la protection des renseignements personnels dans le secteur privé (Québec).
about-privacy-who-heading = Qui en est responsable
about-privacy-who = La personne responsable de la protection des renseignements personnels est : { $officer }. Pour la joindre : { $privacy_email }.
about-privacy-what-heading = Ce que nous recueillons
about-privacy-what = Le nom et l'adresse courriel des personnes qui ont un compte ; le nom et le titre de la personne qui accepte une lettre d'octroi, avec la date et l'adresse réseau de sa connexion ; ce que l'organisme écrit dans sa demande. Les renseignements sur l'organisme lui-même (nom, NEQ, adresse) ne sont pas des renseignements personnels.
about-privacy-why-heading = Pourquoi
about-privacy-why = Uniquement pour administrer le programme : étudier les demandes, octroyer les bourses, payer les achats et l'accompagnement, et rendre compte aux bailleurs de fonds (le FQIS et le FDMT), qui ne reçoivent que des totaux, jamais de renseignements personnels.
about-privacy-who-sees-heading = Qui y a accès
about-privacy-who-sees = Les membres de l'organisme voient les demandes de leur organisme ; l'équipe du programme et les évaluatrices et évaluateurs voient les demandes qu'on leur confie. Les adresses courriel du personnel ne sont pas montrées aux organismes.
about-privacy-how-long-heading = Combien de temps
about-privacy-how-long = Les dossiers des bourses sont conservés six ans après la fin de la bourse, comme les pièces justificatives ; les renseignements personnels sont ensuite détruits ou anonymisés.
about-privacy-rights-heading = Vos droits
about-privacy-rights = Vous pouvez demander l'accès aux renseignements qui vous concernent, leur rectification ou leur retrait en écrivant à la personne responsable ; nous répondons dans les 30 jours. Vous pouvez aussi vous adresser à la Commission d'accès à l'information du Québec.
about-privacy-cookies-heading = Témoins (cookies)
about-privacy-cookies = octroi utilise seulement les témoins nécessaires : celui de votre session, celui qui protège les formulaires et celui qui retient votre langue. Aucun témoin de mesure d'audience ni de publicité.
about-accessibility-title = Déclaration d'accessibilité
about-accessibility-intro = Nous voulons qu'octroi soit utilisable par toutes et tous, au clavier, avec un lecteur d'écran, sur un téléphone ou sur un ordinateur ancien.
about-accessibility-standard-heading = Notre cible
about-accessibility-standard = Le niveau AA des Règles pour l'accessibilité des contenus Web (WCAG) 2.2, et le standard du gouvernement du Québec sur l'accessibilité des sites Web (SGQRI 008).
about-accessibility-tested-heading = Comment nous vérifions
about-accessibility-tested = Chaque page visitée par nos tests automatiques est vérifiée avec axe-core et à 375 pixels de large, sans défilement horizontal ; les formulaires nomment chaque champ en erreur et gardent ce que vous avez saisi.
about-accessibility-limits-heading = Limites connues
about-accessibility-limits = La lettre d'octroi en PDF n'est pas encore balisée pour les lecteurs d'écran : son contenu (montants, conditions) figure aussi sur la page de la demande.
about-accessibility-report-heading = Signaler un obstacle
about-accessibility-report = Écrivez-nous à { $email } ou appelez au { $phone } en décrivant la page et l'obstacle ; nous répondons dans les deux jours ouvrables et vous offrons une autre façon de terminer votre démarche.

## Review and attest before submitting (issue 12)
submit-title = Vérifier et soumettre la demande
submit-intro = Relisez votre demande telle qu'elle sera envoyée. Une fois soumise, elle ne peut plus être modifiée, sauf si l'équipe du programme vous pose une question.
submit-change = Modifier la demande
submit-attest-legend = Attestation
field-attest = Attestation
field-attest-statement = J'atteste que les renseignements de cette demande sont exacts et complets, et que je suis autorisée ou autorisé à la soumettre au nom de l'organisme.
submit-next = Après l'envoi, l'équipe du programme vérifie l'admissibilité de la demande, puis deux évaluatrices ou évaluateurs l'évaluent. Vous recevrez un courriel à chaque étape.
submit-button = Soumettre la demande
submit-back = Revenir au formulaire
submit-changed = La demande a été modifiée depuis que vous l'avez affichée (dans un autre onglet, peut-être). Voici sa version actuelle : relisez-la avant de la soumettre.

## After signing up (issue 12)
signup-done-title = Inscription reçue
signup-done-intro = Merci ! Voici ce qui suit.
signup-done-step-1 = Un courriel vous a été envoyé à l'adresse indiquée. S'il n'arrive pas d'ici quelques minutes, regardez dans vos courriels indésirables.
signup-done-step-2 = Ouvrez une session avec cette adresse et le mot de passe choisi.
signup-done-step-3 = Commencez la demande de bourse de votre organisme. Gardez à portée de main la description de vos besoins et les soumissions pour le matériel et les logiciels ; vous pouvez enregistrer un brouillon et y revenir.
signup-done-step-4 = Quand vous la soumettez, l'équipe du programme vérifie son admissibilité, puis deux évaluatrices ou évaluateurs l'évaluent. Vous recevez un courriel à chaque étape.
signup-done-login = Ouvrir une session

## Who did a step, as an organism's members read it (issue 12)
history-actor-program_officer = L'équipe du programme
history-actor-admin = L'équipe du programme
history-actor-finance = Les finances du programme
history-actor-reviewer = L'évaluation
history-actor-coach = L'accompagnement
history-actor-system = octroi (automatique)

## Screening that shows its work (issue 12)
manage-mission = Mission de l'organisme
manage-no-mission = L'organisme n'a pas décrit sa mission.
manage-looked-for = Ce que la règle vérifie
manage-found = Ce qu'elle a trouvé
rule-looked-neq = Un NEQ de 10 chiffres commençant par 11, 22, 33 ou 88 (personne morale, société, association ou organisme public)
rule-looked-region = Une des { $count } régions administratives admissibles
rule-looked-mission = Au moins un des { $count } mots clés du programme, au début d'un mot de la mission, sans tenir compte des accents ni des majuscules
rule-keywords = Voir les { $count } mots clés
rule-looked-bourses = Au plus { $max } autre bourse déjà octroyée à l'organisme
rule-found-no-keyword = Aucun de ces mots
rule-found-bourses = { $count ->
    [one] { $count } bourse déjà octroyée
   *[other] { $count } bourses déjà octroyées
}
field-override-reason = Raison de passer outre à la règle non respectée
hint-override-reason = Une règle d'admissibilité n'est pas respectée. Si vous envoyez tout de même la demande en évaluation, expliquez pourquoi : la raison est consignée dans l'historique.
problem-rule-override = Expliquez pourquoi vous passez outre à la règle d'admissibilité non respectée.

## Reviews in progress (issue 12)
review-save-draft = Enregistrer le brouillon
review-draft-saved-at = Brouillon enregistré le { $date } : rien n'est transmis avant que vous soumettiez l'évaluation.
notice-draft-saved = Brouillon enregistré. Revenez le terminer quand vous voulez ; il n'est pas transmis avant que vous soumettiez l'évaluation.
question-title = Question du programme, le { $date }

## The conversation: answers with documents, internal notes (issue 12)
answer-legend = Votre réponse au programme
field-answer = Réponse
hint-answer = Répondez à la question ci-dessus ; votre réponse est jointe à l'historique de la demande. Modifiez aussi la demande au besoin avant d'envoyer.
field-documents = Documents joints (facultatif)
hint-documents = Jusqu'à 3 fichiers PDF, PNG ou JPEG de 10 Mo au plus chacun (soumissions, états financiers).
hint-one-file = Un fichier PDF, PNG ou JPEG de 10 Mo au plus.
documents-choose-again = Choisissez de nouveau les fichiers à joindre.
answer-send = Envoyer ma réponse
documents-title = Documents joints
document-kind-application-pdf = PDF
document-kind-image-png = image PNG
document-kind-image-jpeg = image JPEG
notes-title = Notes internes
notes-hint = Visibles seulement par l'équipe du programme, jamais par l'organisme.
notes-none = Aucune note.
field-note = Ajouter une note
notes-add = Ajouter la note
problem-document-empty = ce fichier est vide.
problem-document-too-large = ce fichier dépasse 10 Mo.
problem-document-kind = ce fichier n'est pas un PDF, une image PNG ni une image JPEG.
problem-document-store = ce fichier n'a pas pu être enregistré ; réessayez dans un moment.
problem-too-many-files = Joignez au plus { $max } fichiers.

## Purchases (issue 13)
mail-purchase-request_changes-subject = DATAide : l'achat chez { $vendor } est à modifier
mail-purchase-request_changes-body = Bonjour { $name },

    L'équipe du programme demande des modifications à votre demande d'achat chez { $vendor } ({ $title }).
    Ce qu'elle demande : { $reason }

    { $link }
mail-purchase-approve-subject = DATAide : achat chez { $vendor } approuvé
mail-purchase-approve-body = Bonjour { $name },

    Votre demande d'achat chez { $vendor } ({ $title }) est approuvée : { $amount } sont réservés sur votre bourse.
    Vous pouvez passer la commande, puis noter la réception et déposer la facture :
    { $link }
mail-purchase-decline-subject = DATAide : achat chez { $vendor } refusé
mail-purchase-decline-body = Bonjour { $name },

    Votre demande d'achat chez { $vendor } ({ $title }) n'est pas approuvée.
    Raison : { $reason }

    { $link }
mail-purchase-cancel-subject = DATAide : achat chez { $vendor } annulé
mail-purchase-cancel-body = Bonjour { $name },

    L'achat chez { $vendor } ({ $title }) est annulé ; le montant réservé revient à votre bourse.
    Raison : { $reason }

    { $link }
mail-purchase-submit_invoice-subject = DATAide : la facture de { $vendor } demande une nouvelle approbation
mail-purchase-submit_invoice-body = Bonjour { $name },

    La facture de { $vendor } ({ $title }) dépasse le montant approuvé au-delà de la marge du programme.
    L'équipe du programme doit l'approuver de nouveau ; vous serez avisés de sa décision.

    { $link }
mail-purchase-refuse_invoice-subject = DATAide : la facture de { $vendor } est à revoir
mail-purchase-refuse_invoice-body = Bonjour { $name },

    L'équipe des finances ne peut pas accepter la facture de { $vendor } ({ $title }).
    Raison : { $reason }
    Déposez une facture corrigée :
    { $link }
mail-purchase-pay-subject = DATAide : achat chez { $vendor } payé
mail-purchase-pay-body = Bonjour { $name },

    L'achat chez { $vendor } ({ $title }) est payé : { $amount }.

    { $link }
mail-purchase-fail_payment-subject = DATAide : le paiement de l'achat chez { $vendor } n'a pas abouti
mail-purchase-fail_payment-body = Bonjour { $name },

    Le paiement de l'achat chez { $vendor } ({ $title }) n'a pas abouti ; il sera refait.
    Raison : { $reason }

    { $link }
mail-purchase-confirm_return-subject = DATAide : note de crédit de { $vendor } confirmée
mail-purchase-confirm_return-body = Bonjour { $name },

    L'équipe des finances a confirmé la note de crédit de { $vendor } ({ $title }).
    { $mode ->
        [direct] Le montant revient à votre bourse.
       *[reimbursement] Le programme vous avait remboursé cet achat : le montant de la note de crédit lui est dû. Il sera retenu sur votre prochain paiement, ou vous pouvez le rembourser par chèque. Il revient à votre bourse une fois réglé.
    }

    { $link }
mail-purchase-refuse_return-subject = DATAide : la note de crédit de { $vendor } est refusée
mail-purchase-refuse_return-body = Bonjour { $name },

    L'équipe des finances ne peut pas accepter la note de crédit de { $vendor } ({ $title }).
    Raison : { $reason }

    { $link }
mail-purchase-settle_return-subject = DATAide : remboursement reçu pour l'achat chez { $vendor }
mail-purchase-settle_return-body = Bonjour { $name },

    L'équipe des finances a reçu votre remboursement de la note de crédit de { $vendor } ({ $title }) ; le montant revient à votre bourse.
    { $reason }

    { $link }

problem-tax-number = Écrivez le numéro comme sur la facture : TPS 123456789 RT 0001, TVQ 1234567890 TQ 0001.
problem-quotes-needed = À ce prix, joignez au moins { $count } soumissions.
problem-bourse-lacks-room = La bourse n'a pas assez de place pour cet achat
problem-bourse-lacks-room-line = { $category } : engagé { $committed }, dépensé { $spent }, réservé { $held }, disponible { $available } ; cet achat { $requested }, il manque { $missing }.
problem-grant-not-active = La bourse n'est pas active
problem-grant-not-active-detail = On ne peut acheter sur une bourse qu'une fois la lettre d'octroi acceptée, tant qu'elle est active.

state-changes_requested = Modifications demandées
state-ordered = Commandée
state-partially_received = Reçue en partie
state-received = Reçue
state-invoiced = Facturée
state-verified = Facture vérifiée
state-paid = Payée
state-payment_failed = Paiement échoué
state-returned = Retournée (note de crédit)
state-return_recorded = Retour à vérifier
event-begin_review = Prise en charge
event-request_changes = Demande de modifications
event-amend = Modification après approbation
event-order = Commande passée
event-receive = Réception
event-submit_invoice = Dépôt de la facture
event-refuse_invoice = Facture refusée
event-verify = Vérification de la facture
event-pay = Paiement
event-fail_payment = Paiement échoué
event-record_return = Retour
event-confirm_return = Note de crédit confirmée
event-refuse_return = Note de crédit refusée
event-settle_return = Somme due remboursée
purchase-do-begin_review = Prendre en charge
purchase-do-approve = Approuver et réserver le montant
purchase-do-request_changes = Demander des modifications
purchase-do-decline = Refuser
purchase-do-amend = Modifier la demande approuvée
purchase-do-withdraw = Retirer la demande
purchase-do-cancel = Annuler l'achat
purchase-do-order = J'ai passé la commande
purchase-do-refuse_invoice = Refuser la facture
purchase-do-verify = Facture vérifiée
purchase-do-pay = Marquer payé
purchase-do-fail_payment = Le paiement a échoué
purchase-do-close = Fermer le dossier
purchase-do-confirm_return = Confirmer la note de crédit
purchase-do-refuse_return = Refuser la note de crédit
purchase-do-settle_return = L'organisme a remboursé la somme due
purchase-notice-submitted = Votre demande d'achat est envoyée. L'équipe du programme vous répondra par courriel.
purchase-notice-withdraw = La demande est retirée.
purchase-notice-amend = La demande est rouverte : modifiez-la, puis soumettez-la de nouveau. Le montant réservé le reste jusqu'à la nouvelle décision.
purchase-notice-cancel = L'achat est annulé ; le montant réservé revient à la bourse.
purchase-notice-order = La commande est notée. Notez la réception quand vous recevrez le matériel.
purchase-done-approve = Achat approuvé ; le montant est réservé sur la bourse.
purchase-done-decline = Achat refusé.
purchase-done-request_changes = Modifications demandées à l'organisme.
purchase-done-begin_review = Demande prise en charge.
purchase-done-cancel = Achat annulé.
purchase-done-verify = Facture vérifiée ; l'achat attend son paiement.
purchase-done-refuse_invoice = Facture refusée ; l'organisme en déposera une corrigée.
purchase-done-confirm_return = Note de crédit confirmée.
purchase-done-refuse_return = Note de crédit refusée ; l'organisme en est avisé.
purchase-done-settle_return = Le remboursement est noté ; le montant revient à la bourse.
purchase-done-pay = Achat payé ; la dépense est inscrite au grand livre.
purchase-done-fail_payment = Paiement noté comme échoué ; le montant est de nouveau réservé.
purchase-done-close = Dossier fermé.
rooms-title = Ce qui reste de la bourse
rooms-category = Catégorie
rooms-committed = Octroyé
rooms-spent = Dépensé
rooms-held = Réservé
rooms-available = Disponible
rooms-asked = Cet achat
rooms-short = (manque)
rooms-hint = Disponible : octroyé, moins dépensé, moins réservé par les achats approuvés et non encore payés.
purchases-title = Achats de la bourse
purchases-grant = Bourse
purchases-grant-link = Voir la demande
purchases-new = Nouvelle demande d'achat
purchases-list = Demandes d'achat
purchases-none = Aucune demande d'achat pour l'instant.
col-number = Numéro
purchase-number = Achat nº { $id }
purchase-cost = Coût pour la bourse
purchase-costs = Coût de l'achat
purchase-price = Prix avant taxes
purchase-gst = TPS (5 %)
purchase-qst = TVQ (9,975 %)
purchase-rebate = Remboursement des taxes (organismes de services publics)
purchase-rebate-not-deducted = (non déduit : la bourse paie les taxes en entier)
purchase-edit-title = Demande d'achat nº { $id }
purchase-edit-intro = Le fournisseur, la raison de l'achat et ce que vous achetez. Vous pouvez enregistrer et revenir plus tard. État :
purchase-saved = Demande enregistrée.
purchase-vendor = Fournisseur et raison
field-vendor-name = Fournisseur
field-vendor-gst = Numéro de TPS du fournisseur
field-vendor-qst = Numéro de TVQ du fournisseur
hint-vendor-gst = Facultatif à la demande ; tel qu'il paraît sur la soumission, par exemple 123456789 RT 0001.
hint-vendor-qst = Facultatif à la demande ; par exemple 1234567890 TQ 0001.
field-justification = Pourquoi cet achat
field-quotes = Soumissions
purchase-lines = Ce que vous achetez
purchase-lines-hint = Une ligne par article, prix unitaire avant taxes. Les taxes sont calculées sur le total.
purchase-quotes-hint = À partir de { $price } avant taxes, joignez { $count } soumissions.
purchase-do-submit = Soumettre la demande
purchase-back = Retour à l'achat
purchase-edit-link = Modifier la demande
purchase-request = La demande
purchase-steps = Décision et suites
purchase-reason = Raison
purchase-reason-hint = Obligatoire pour refuser, demander des modifications, modifier ou annuler ; l'organisme la lit.
purchase-queue-title = Achats à traiter
purchase-queue-empty = Aucun achat n'attend.
nav-purchases = Achats
grant-purchases-link = Achats de la bourse
purchase-quotes = Soumissions
purchase-quotes-field = Soumissions à joindre
purchase-quotes-attach = Joindre
purchase-attached = Soumissions jointes.
problem-purchase-not-editable = La demande ne se modifie plus
problem-purchase-not-editable-detail = Une demande envoyée ou approuvée ne se modifie plus ; pour la changer après approbation, demandez une modification.
problem-nothing-received = Indiquez au moins une unité reçue.
problem-more-than-ordered = Au plus { $left } : c'est ce que la ligne attend encore.
problem-duplicate-serial = Le numéro de série { $serial } est inscrit deux fois : chaque appareil a le sien.
problem-serials-needed = Un numéro de série par unité reçue : { $count }, un par ligne.
problem-duplicate-invoice = Votre organisme a déjà déposé une facture de ce fournisseur sous ce numéro.
problem-invoice-date = La date d'une facture va de l'octroi ({ $award_day }) à aujourd'hui.
problem-invalid-date = Écrivez la date ainsi : 2026-11-30.

# Receipts, invoices and the three-way match (issue 13)
purchase-receipt = Noter une réception
purchase-receipt-hint = Notez ce qui est arrivé, ligne par ligne. Une livraison partielle se note en plusieurs fois.
purchase-receipt-so-far = déjà reçu : { $received }
purchase-receipt-quantity = Quantité reçue cette fois
purchase-receipt-serials = Numéros de série
purchase-receipt-serials-hint = Un numéro par ligne, un par appareil reçu (il figure sous l'appareil ou sur sa boîte).
purchase-receipt-record = Noter la réception
purchase-invoice = Déposer la facture
purchase-invoice-hint = La facture du fournisseur telle qu'elle est écrite : son numéro, sa date, chaque ligne facturée. Joignez-la en PDF, PNG ou JPEG.
field-invoice-number = Numéro de facture
field-invoice-date = Date de la facture
field-invoice-file = Facture
field-proof-file = Preuve de paiement
purchase-invoice-lines = Lignes facturées
purchase-invoice-submit = Déposer la facture
purchase-asked = { $step }, le { $date }
purchase-similar = Factures semblables de cet organisme
purchase-similar-hint = Avant de vérifier, assurez-vous qu'il ne s'agit pas de la même facture présentée deux fois : même numéro écrit autrement, sous un autre nom de fournisseur, ou mêmes chiffres.
purchase-similar-purchase = Achat
purchase-similar-same = (même numéro)
purchase-match = Facture { $number }
purchase-match-caption = Rapprochement : approuvé, reçu, facturé
purchase-match-approved = Approuvé
purchase-match-received = Reçu
purchase-match-invoiced = Facturé
purchase-match-difference = Écart avant taxes
purchase-match-check = Contrôle
purchase-match-ok = Concorde
purchase-match-quantity = Quantité différente de ce qui a été reçu.
purchase-match-price = Prix unitaire au-dessus de l'approuvé.
purchase-notice-received = La réception est notée.
purchase-notice-invoiced = La facture est déposée.
problem-purchase-not-payable = Un achat ne peut plus entrer dans ce lot
problem-purchase-not-payable-detail = Il a été payé ou mis dans un autre lot entre-temps, ou les engagements de sa bourse ne le couvrent plus. Rien n'a été créé ; choisissez de nouveau.
problem-payment-line-settled = Cette ligne a déjà sa réponse de la banque
problem-payment-line-settled-detail = Quelqu'un l'a notée entre-temps ; la page montre ce qui a été noté.
problem-return-settled = Cette note de crédit est déjà réglée
problem-return-settled-detail = Elle a été remboursée ou retenue sur un paiement entre-temps ; la page montre où elle en est.
# Payment runs (issue 13)
payments-title = Paiements
payments-mode-reimbursement = Mode de paiement : remboursement (l'organisme a payé le fournisseur ; la bourse rembourse l'organisme).
payments-mode-direct = Mode de paiement : direct (la bourse paie le fournisseur).
payments-payable = Achats à payer
payments-payable-empty = Aucun achat n'attend de paiement.
payments-payable-caption = Achats vérifiés, prêts à payer : { $total } en tout
payments-choose = Dans le lot
payments-choose-one = Mettre l'achat nº { $id } dans le lot
payments-payee = Bénéficiaire
payments-amount = Montant
payments-make-run = Préparer le lot de paiement
payments-runs = Lots de paiement
payments-runs-empty = Aucun lot pour l'instant.
payments-run = Lot
payments-made = Préparé le
payments-lines = Lignes
payments-waiting = En attente
payments-run-number = Lot de paiement nº { $id }
payments-totals = Ce que le lot prend à chaque enveloppe, par exercice
col-envelope = Enveloppe
col-fiscal-year = Exercice
payments-export = Télécharger le fichier pour la banque (CSV)
payments-exported = Téléchargé le
payments-lines-title = Réponse de la banque
payments-lines-hint = Quand la banque a répondu, notez chaque ligne : payée (la dépense s'inscrit au grand livre, datée de la facture) ou échouée, avec la raison (l'achat attendra le prochain lot).
payments-reference = Référence
payments-outcome-cleared = Payé
payments-outcome-rejected = Échoué
payments-failure-reason = Raison de l'échec (si la banque a refusé)
payments-mark-paid = Payé
payments-mark-failed = Échoué
payments-notice-cleared = Ligne notée payée ; la dépense est au grand livre.
payments-notice-rejected = Ligne notée échouée ; l'achat attend le prochain lot.
payments-notice-all-cleared = Toutes les lignes en attente sont notées payées ; leurs dépenses sont au grand livre.
payments-clear-link = { $count ->
    [one] Noter la ligne en attente comme payée…
   *[other] Noter les { $count } lignes en attente comme payées…
}
payments-clear-title = Noter le reste du lot nº { $id } comme payé
payments-clear-what = { $count ->
    [one] La banque a payé la ligne encore en attente, { $total }.
   *[other] La banque a payé les { $count } lignes encore en attente, pour { $total } en tout.
}
payments-clear-after = Chaque achat passera à « payé » et sa dépense s'inscrira au grand livre, datée de sa facture ; les membres des organismes en seront avisés. Une ligne que la banque a refusée se note une à une, avec la raison, avant cette étape.
payments-clear-confirm = Noter comme payé
payments-show = Afficher
payments-show-waiting = Les lignes en attente
payments-show-answered = Les lignes répondues
payments-show-all = Toutes les lignes
hint-payments-search = Nom de l'organisme (accents et majuscules sans importance) ou numéro d'achat
payments-lines-matching = { $count ->
    [0] Aucune ligne ne correspond.
    [one] { $count } ligne correspond.
   *[other] { $count } lignes correspondent.
}
problem-payment-run-changed = Le lot a changé depuis votre lecture
problem-payment-run-changed-detail = Des lignes ont reçu leur réponse entre-temps ; rien n'a été noté. Relisez le lot avant de décider.
finance-assets-csv = Registre des actifs (CSV)
assets-title = Registre des actifs
assets-hint = Chaque appareil acheté avec la bourse, avec son numéro de série.
assets-none = Aucun appareil reçu pour l'instant.
assets-serial = Numéro de série
assets-repeated = (numéro en double : vérifiez)
assets-received = Reçu le
purchase-return = Noter un retour (note de crédit)
purchase-return-hint = Un appareil ou un logiciel rendu au fournisseur après le paiement : l'équipe des finances vérifie la note de crédit, puis son montant revient à la bourse (une fois remboursé au programme quand il vous avait remboursé l'achat), jamais plus que ce qui a été dépensé.
field-credit-note-number = Numéro de la note de crédit
field-return-category = Catégorie de ce qui est rendu
field-return-amount = Montant de la note de crédit, avant taxes
field-return-serials = Numéros de série des appareils rendus
hint-return-serials = Pour du matériel : un numéro par ligne, tel qu'il a été noté à la réception. Le registre des actifs les montrera rendus.
assets-returned = Rendu
assets-returned-on = Rendu le { $date } (note de crédit { $number })
field-credit-note-file = Note de crédit
purchase-return-record = Noter le retour
purchase-notice-returned = Le retour est noté : l'équipe des finances vérifiera la note de crédit.
returns-title = Retours
returns-number = Note de crédit
returns-amount = Montant pour la bourse
returns-recorded = Notée le
returns-status = Où elle en est
return-pending = À vérifier par l'équipe des finances
return-refused = Refusée le { $date }
return-owed = { $amount } à rembourser au programme : retenus sur votre prochain paiement, ou par chèque à l'ordre du programme
return-in-run = { $amount } retenus sur un paiement en cours
return-settled-direct = Rendue à la bourse le { $date }
return-settled-receipt = Remboursée le { $date } ({ $note })
return-settled-deduction = Retenue le { $date } sur le paiement de l'achat { $note }
owed-title = Sommes dues au programme
owed-hint = Notes de crédit confirmées d'achats remboursés : l'organisme doit ces montants au programme. Chacune est retenue sur son prochain paiement, s'il est plus grand, ou notée remboursée sur la page de l'achat. La bourse ne retrouve le montant qu'une fois réglé.
owed-organism = Organisme
owed-purchase = Achat
owed-since = Confirmée le
return-kept-back = retenue sur un paiement en cours
owed-none = Aucune somme due.
payment-line-deducted = dont { $amount } retenus (notes de crédit)
problem-return-too-large = Un retour ne rend pas plus que ce que l'achat a dépensé dans cette catégorie ({ $spent }, taxes comprises).
problem-serial-not-returnable = Le numéro de série « { $serial } » n'est pas un appareil reçu dans cet achat, ou il a déjà été rendu.
field-return-reason = Raison du retour
document-purpose-quote = Soumission
document-purpose-invoice = Facture
document-purpose-proof_of_payment = Preuve de paiement
document-purpose-credit_note = Note de crédit
assets-purchase = Achat
