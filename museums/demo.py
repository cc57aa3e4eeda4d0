"""The eight museums of the Rouen metropolitan network, as seeded for the demo."""

_ROUEN_HOURS_FR = "Tous les jours sauf le mardi, de 10 h à 18 h.\nEntrée des collections permanentes gratuite."
_ROUEN_HOURS_EN = "Every day except Tuesday, 10 am to 6 pm.\nFree admission to the permanent collections."
_SITE = "https://musees-rouen-normandie.fr/"

MUSEUMS = [
    {
        "slug": "beaux-arts",
        "name_fr": "Musée des Beaux-Arts",
        "name_en": "Museum of Fine Arts",
        "town": "Rouen",
        "address": "Esplanade Marcel-Duchamp",
        "postcode": "76000",
        "presentation_fr": "L'une des plus belles collections de France, de la Renaissance à nos jours, "
        "et le deuxième ensemble impressionniste du pays après Paris : Monet, Sisley, Pissarro.",
        "presentation_en": "One of the finest collections in France, from the Renaissance to the present day, "
        "and the country's second impressionist collection after Paris: Monet, Sisley, Pissarro.",
    },
    {
        "slug": "ceramique",
        "name_fr": "Musée de la Céramique",
        "name_en": "Ceramics Museum",
        "town": "Rouen",
        "address": "1, rue Faucon",
        "postcode": "76000",
        "presentation_fr": "Dans l'hôtel d'Hocqueville, la faïence de Rouen à son apogée et des céramiques "
        "du monde entier.",
        "presentation_en": "In the Hôtel d'Hocqueville, Rouen faience at its peak and ceramics from around the world.",
    },
    {
        "slug": "le-secq-des-tournelles",
        "name_fr": "Musée Le Secq des Tournelles",
        "name_en": "Le Secq des Tournelles Museum",
        "town": "Rouen",
        "address": "2, rue Jacques-Villon",
        "postcode": "76000",
        "presentation_fr": "Dans une église gothique, la plus grande collection de ferronnerie au monde : "
        "enseignes, serrures, clefs et outils.",
        "presentation_en": "In a Gothic church, the world's largest collection of wrought ironwork: signs, "
        "locks, keys and tools.",
    },
    {
        "slug": "museum-histoire-naturelle",
        "name_fr": "Muséum d'histoire naturelle",
        "name_en": "Natural History Museum",
        "town": "Rouen",
        "address": "198, rue Beauvoisine",
        "postcode": "76000",
        "presentation_fr": "Le deuxième muséum de France par l'importance de ses collections : animaux "
        "naturalisés, minéraux, et une salle d'ethnographie.",
        "presentation_en": "France's second natural history museum by the size of its collections: mounted "
        "animals, minerals and an ethnography gallery.",
    },
    {
        "slug": "antiquites",
        "name_fr": "Musée des Antiquités",
        "name_en": "Museum of Antiquities",
        "town": "Rouen",
        "address": "198, rue Beauvoisine",
        "postcode": "76000",
        "presentation_fr": "Dans un ancien couvent, de la préhistoire à la Renaissance : la mosaïque de "
        "Lillebonne, des tapisseries et des objets d'art médiévaux.",
        "presentation_en": "In a former convent, from prehistory to the Renaissance: the Lillebonne mosaic, "
        "tapestries and medieval works of art.",
    },
    {
        "slug": "fabrique-des-savoirs",
        "name_fr": "Fabrique des savoirs",
        "name_en": "Fabrique des savoirs",
        "town": "Elbeuf",
        "address": "7, cours Gambetta",
        "postcode": "76500",
        "presentation_fr": "Dans une ancienne usine textile, l'histoire industrielle et naturelle d'Elbeuf "
        "et de sa région.",
        "presentation_en": "In a former textile mill, the industrial and natural history of Elbeuf and its "
        "surroundings.",
    },
    {
        "slug": "corderie-vallois",
        "name_fr": "Musée industriel de la Corderie Vallois",
        "name_en": "Corderie Vallois Industrial Museum",
        "town": "Notre-Dame-de-Bondeville",
        "address": "185, route de Dieppe",
        "postcode": "76960",
        "presentation_fr": "Une corderie du XIXe siècle dont les machines, mues par la roue à aubes, "
        "fonctionnent encore devant les visiteurs.",
        "presentation_en": "A 19th-century rope works whose machines, driven by the water wheel, still run "
        "in front of visitors.",
    },
    {
        "slug": "pierre-corneille",
        "name_fr": "Musée Pierre Corneille",
        "name_en": "Pierre Corneille Museum",
        "town": "Petit-Couronne",
        "address": "502, rue Pierre-Corneille",
        "postcode": "76650",
        "presentation_fr": "La maison des champs du dramaturge, son potager et son jardin, au cœur d'un "
        "village normand.",
        "presentation_en": "The playwright's country house, with its kitchen garden and orchard, in a "
        "Normandy village.",
    },
]


def museum_rows():
    """Each museum with the fields common to the network filled in."""
    for position, museum in enumerate(MUSEUMS, start=1):
        yield {
            "opening_hours_fr": _ROUEN_HOURS_FR,
            "opening_hours_en": _ROUEN_HOURS_EN,
            "website": _SITE,
            "position": position,
            **museum,
        }
