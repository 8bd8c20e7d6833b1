"""The words the speech benchmark says: everyday English messages, long passages, and short
sentences in four other languages. Numbers are spelled out only where people say them that
way, and none are written as digits, so a transcript is not scored on number formatting."""

from __future__ import annotations

VOICEMAIL = "Please buy milk, eggs and bread on your way home tonight."
"""The message issue 14 started from (tiny.en heard "milk, and rent ... to hide")."""

ENGLISH = (
    VOICEMAIL,
    "Call the dentist tomorrow morning and move my appointment to Friday.",
    "The train to Manchester is delayed by about twenty minutes.",
    "Remember to water the tomato plants before you leave for work.",
    "Can you pick up the children from school at half past three?",
    "The meeting has been moved to the small room on the third floor.",
    "I left my keys on the kitchen table next to the fruit bowl.",
    "Please send me the report as soon as you have finished it.",
    "The weather will be cold and windy with rain in the afternoon.",
    "Turn left at the church and the bakery is on your right.",
    "Our flight lands at noon, so we should be home for dinner.",
    "Don't forget that your sister's birthday party is on Saturday.",
    "The printer on the second floor is out of paper again.",
    "Could you book a table for four people at the Italian restaurant?",
    "The doctor said I should drink more water and sleep longer.",
    "We need new batteries for the smoke alarm in the hallway.",
    "Give the dog a short walk after lunch and fill his water bowl.",
    "The library closes early on Sunday, so return the books today.",
    "My phone battery is almost empty, call me back later tonight.",
    "The package should arrive on Monday between nine and eleven.",
    "Please check that all the windows are closed before you go out.",
    "The museum has a new exhibition about ancient Egypt this month.",
    "I will be a little late because the traffic on the bridge is terrible.",
    "Thank you for your help with the garden last weekend.",
)

ROUND_TRIP = (
    "Open every day from eight in the morning until late at night.",
    "The quick brown fox jumps over the lazy dog near the river bank.",
    "Your order is ready for collection at the front desk.",
    "Mind the gap between the train and the platform.",
    "A light breeze is expected along the coast this evening.",
    "Please switch off your phone before the concert begins.",
)
"""What text_to_speech says in its round trips (none of it is in ENGLISH)."""

PASSAGES = (
    ("Good morning everyone, and welcome to the first meeting of the garden club this "
     "spring. Today we will talk about the new vegetable beds near the east fence. The soil "
     "there is heavy clay, so we ordered twenty bags of compost and some sand. Volunteers "
     "are needed on Saturday morning to dig the beds and spread the compost. Please bring "
     "gloves, a spade and something to drink. After the work we will have lunch together "
     "in the community hall. If it rains, we will meet the following weekend instead."),
    ("This is a reminder about your appointment at the eye clinic next Thursday. Please "
     "arrive fifteen minutes early to fill in the forms at the front desk. Bring your "
     "glasses, a list of any medicines you take, and your insurance card. The examination "
     "takes about forty minutes, and drops may blur your vision for a few hours afterwards, "
     "so do not drive yourself home. If you need to change the time, call the clinic during "
     "office hours or send us a message through the website. We look forward to seeing "
     "you."),
)

FOREIGN = {
    "fr": ("Le train pour Paris part dans dix minutes.",
           "Il fait très beau aujourd'hui au bord de la mer.",
           "Pouvez-vous fermer la fenêtre de la cuisine, s'il vous plaît ?"),
    "de": ("Der Zug nach Berlin hat heute leider Verspätung.",
           "Ich kaufe morgen Brot, Käse und frisches Obst.",
           "Bitte ruf mich an, wenn du zu Hause bist."),
    "es": ("Mañana vamos a la playa con nuestros amigos.",
           "El restaurante abre a las ocho de la noche.",
           "Por favor, cierra la puerta cuando salgas."),
    "it": ("Domani andiamo al mercato a comprare la frutta.",
           "Il museo è chiuso il lunedì mattina.",
           "Per favore, chiama il medico prima di pranzo."),
}
"""Sentences for the multilingual path, by ISO 639-1 code (espeak-ng speaks each)."""
ESPEAK_LANGUAGE_VOICE = {"fr": "fr-fr", "de": "de", "es": "es", "it": "it"}
