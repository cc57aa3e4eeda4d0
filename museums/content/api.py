"""Content in the API: items and series to read (members-only items for members only), and members' events.

`GET /api/v1/contents/` (filters `museum`, `kind`, `series`, `tag`) and
`GET /api/v1/contents/{id}/` answer anyone: a visitor gets the public items
only. A member also gets `POST …/{id}/reaction/` (like or not),
`POST …/{id}/progress/` (an uploaded video's milestone: 0, 25, 50, 75 or 100;
the points when complete) and `GET`/`POST /api/v1/series/…/follow/`.
"""

import re

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import UserRateThrottle

from club.core.parsers import SafeJSONParser
from club.core.schema import error_responses
from museums.content import selectors, services
from museums.content.embeds import PROVIDERS, embed_player
from museums.content.models import Content, Series
from rewards.ledger.models import Reason
from rewards.ledger.selectors import award_outcome

_MAX_ID = 2**63 - 1
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")
_NOT_FOUND = "`not_found`: no such item, not out, or members-only and you are not signed in."
_FLOOD = {429: "`throttled`: more than 120 events a minute from one member (see Retry-After)."}


class ContentSummarySerializer(serializers.ModelSerializer):
    museum = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    series = serializers.IntegerField(source="series_id", allow_null=True, read_only=True)
    likes = serializers.IntegerField(source="like_count", read_only=True)
    comments = serializers.IntegerField(source="comment_count", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    cover_thumbnail = serializers.ImageField(read_only=True, allow_null=True)

    class Meta:
        model = Content
        fields = ["id", "slug", "kind", "museum", "series", "series_position", "title", "summary", "members_only",
                  "publish_at", "cover_thumbnail", "cover_alt", "likes", "comments", "url"]  # fmt: skip


class ImageSerializer(serializers.Serializer):
    picture = serializers.ImageField()
    thumbnail = serializers.ImageField(allow_null=True)
    alt = serializers.CharField()
    caption = serializers.CharField()


class EmbedSerializer(serializers.Serializer):
    provider = serializers.CharField()
    player = serializers.CharField(help_text="The privacy-enhanced player's address, to load only on the member's tap.")


class ContentDetailSerializer(ContentSummarySerializer):
    body_html = serializers.CharField(read_only=True, help_text="Sanitised HTML.")
    images = ImageSerializer(many=True, read_only=True)
    tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    video = serializers.FileField(read_only=True, allow_null=True)
    captions = serializers.FileField(read_only=True, allow_null=True, help_text="WebVTT captions of the video.")
    transcript = serializers.CharField(read_only=True)
    embed = serializers.SerializerMethodField()
    points = serializers.SerializerMethodField(help_text="What viewing pays (an uploaded video: once watched whole).")
    liked = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField(help_text="My furthest milestone of the uploaded video (0–100).")

    class Meta(ContentSummarySerializer.Meta):
        fields = [*ContentSummarySerializer.Meta.fields, "body_html", "images", "tags", "video", "captions",
                  "transcript", "embed", "points", "liked", "progress"]  # fmt: skip

    @extend_schema_field(EmbedSerializer(allow_null=True))
    def get_embed(self, content) -> dict | None:
        if not content.embed_provider:
            return None
        return {"provider": PROVIDERS[content.embed_provider].name,
                "player": embed_player(content.embed_provider, content.embed_id)}  # fmt: skip

    def get_points(self, content) -> int:
        return selectors.content_points(content=content)

    def get_liked(self, content) -> bool:
        return bool(getattr(content, "liked", False))

    def get_progress(self, content) -> int:
        return int(getattr(content, "progress_furthest", 0))


class SeriesSerializer(serializers.ModelSerializer):
    museum = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    items_out = serializers.IntegerField(read_only=True)
    followed = serializers.BooleanField(read_only=True, default=False)
    weekdays = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    release_time = serializers.SerializerMethodField(help_text="The release time in Paris, HH:MM.")
    next_release = serializers.SerializerMethodField()

    class Meta:
        model = Series
        fields = ["id", "slug", "title", "summary", "museum", "weekdays", "release_time", "items_out", "followed",
                  "next_release"]  # fmt: skip

    def get_release_time(self, series) -> str:
        at = series.release_time
        return at.strftime("%H:%M") if hasattr(at, "strftime") else str(at)[:5]

    def get_next_release(self, series) -> str | None:
        when = selectors.series_next_release(series=series)
        return when.isoformat() if when else None


class ReactionWriteSerializer(serializers.Serializer):
    liked = serializers.BooleanField()


class ProgressWriteSerializer(serializers.Serializer):
    milestone = serializers.ChoiceField(choices=services.MILESTONES, help_text="0 (started), 25, 50, 75 or 100 %.")


class ProgressSerializer(serializers.Serializer):
    furthest = serializers.IntegerField()
    points = serializers.IntegerField(help_text="Points paid by this event (when it completed the video).")
    balance = serializers.IntegerField(allow_null=True)


class FollowWriteSerializer(serializers.Serializer):
    following = serializers.BooleanField()


class EventThrottle(UserRateThrottle):
    """A member's engagement events: generous for a real player, a wall for a flood."""

    scope = "content_events"
    rate = "120/minute"


def _id(pk) -> int:
    text = str(pk or "")
    if not text.isascii() or not text.isdigit() or int(text) > _MAX_ID:
        raise NotFound()
    return int(text)


_FILTERS = [
    OpenApiParameter("museum", int, description="A museum's id."),
    OpenApiParameter("kind", str, enum=Content.Kind.values),
    OpenApiParameter("series", int, description="A series' id."),
    OpenApiParameter("tag", str, description="A tag's slug."),
]


class _Described(viewsets.GenericViewSet):
    """What OPTIONS describes: each action's body (the views themselves name their serializers)."""

    serializers_by_action: dict[str, type[serializers.Serializer]] = {}

    def get_serializer_class(self):
        action = getattr(self, "action_map", {}).get(self.request.method.lower(), self.action)
        return self.serializers_by_action.get(action or "", serializers.Serializer)


class ContentViewSet(_Described):
    """Items out now; members-only ones for members only."""

    permission_classes = [permissions.AllowAny]
    parser_classes = [SafeJSONParser]
    queryset = Content.objects.none()
    serializers_by_action = {
        "list": ContentSummarySerializer, "retrieve": ContentDetailSerializer,
        "reaction": ReactionWriteSerializer, "progress": ProgressWriteSerializer,
    }  # fmt: skip

    def _items(self):
        reader = self.request.user
        items = selectors.content_list(reader=reader, now=timezone.now())
        if not selectors.content_is_member(reader):
            items = items.filter(members_only=False)
        return items

    def _item(self, pk) -> Content:
        try:
            return self._items().prefetch_related("images", "tags").get(pk=_id(pk))
        except Content.DoesNotExist:
            raise NotFound() from None

    def _filters(self) -> dict:
        params = self.request.query_params
        museum, series = params.get("museum", ""), params.get("series", "")
        kind, tag = params.get("kind", ""), params.get("tag", "")
        return {
            "museum": int(museum) if museum.isascii() and museum.isdigit() and len(museum) < 10 else None,
            "series": int(series) if series.isascii() and series.isdigit() and len(series) < 10 else None,
            "kind": kind if kind in Content.Kind.values else "",
            "tag": tag if _SLUG.fullmatch(tag) else "",
        }

    @extend_schema(parameters=_FILTERS, responses=ContentSummarySerializer(many=True))
    def list(self, request):
        """Items out now, newest first (members-only ones when signed in as a member)."""
        filters = self._filters()
        items = self._items()
        if filters["museum"]:
            items = items.filter(museum_id=filters["museum"])
        if filters["series"]:
            items = items.filter(series_id=filters["series"])
        if filters["kind"]:
            items = items.filter(kind=filters["kind"])
        if filters["tag"]:
            items = items.filter(tags__slug=filters["tag"])
        page = self.paginate_queryset(items) or []
        return self.get_paginated_response(ContentSummarySerializer(page, many=True).data)

    @extend_schema(responses=ContentDetailSerializer)
    @error_responses({404: _NOT_FOUND})
    def retrieve(self, request, pk=None):
        """One item with its text, pictures, video or embed, my like and my progress."""
        content = self._item(pk)
        if selectors.content_is_member(request.user) and content.video:
            content.progress_furthest = selectors.content_progress(member=request.user, content=content)
        return Response(ContentDetailSerializer(content, context={"request": request}).data)

    @extend_schema(request=ReactionWriteSerializer, responses=ReactionWriteSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated],
            throttle_classes=[EventThrottle])  # fmt: skip
    @error_responses({404: _NOT_FOUND, **_FLOOD})
    def reaction(self, request, pk=None):
        """Like it (`true`) or not (`false`): one like per member."""
        content = self._item(pk)
        body = ReactionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        liked = services.reaction_set(member=request.user, content=content, liked=body.validated_data["liked"])
        return Response({"liked": liked})

    @extend_schema(request=ProgressWriteSerializer, responses=ProgressSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated],
            throttle_classes=[EventThrottle])  # fmt: skip
    @error_responses(
        {404: _NOT_FOUND, 400: "`validation_error`; `milestone_invalid`; `no_video` (no uploaded video).", **_FLOOD}
    )
    def progress(self, request, pk=None):
        """How far I watched its uploaded video; out-of-order milestones change nothing; complete pays once."""
        content = self._item(pk)
        body = ProgressWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        furthest, entry = services.progress_record(
            member=request.user, content=content, milestone=body.validated_data["milestone"]
        )
        paid, balance = 0, None
        if entry is not None:
            outcome = award_outcome(member=request.user, action=Reason.CONTENT_VIEWED, entry=entry)
            paid, balance = outcome.paid, outcome.balance
        return Response({"furthest": furthest, "points": paid, "balance": balance})


class SeriesViewSet(_Described):
    """Active series, with the items out counted and my follow."""

    permission_classes = [permissions.AllowAny]
    parser_classes = [SafeJSONParser]
    queryset = Series.objects.none()
    serializers_by_action = {"list": SeriesSerializer, "retrieve": SeriesSerializer, "follow": FollowWriteSerializer}

    def _series(self, pk) -> Series:
        try:
            return selectors.series_list(reader=self.request.user).get(pk=_id(pk))
        except Series.DoesNotExist:
            raise NotFound() from None

    @extend_schema(responses=SeriesSerializer(many=True))
    def list(self, request):
        """Active series."""
        page = self.paginate_queryset(selectors.series_list(reader=request.user).order_by("title", "pk")) or []
        return self.get_paginated_response(SeriesSerializer(page, many=True).data)

    @extend_schema(responses=SeriesSerializer)
    @error_responses({404: "`not_found`: no such active series."})
    def retrieve(self, request, pk=None):
        return Response(SeriesSerializer(self._series(pk)).data)

    @extend_schema(request=FollowWriteSerializer, responses=FollowWriteSerializer)
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated],
            throttle_classes=[EventThrottle])  # fmt: skip
    @error_responses({404: "`not_found`: no such active series.", **_FLOOD})
    def follow(self, request, pk=None):
        """Follow it (`true`: its releases come to my notifications) or not (`false`)."""
        series = self._series(pk)
        body = FollowWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        following = services.follow_set(member=request.user, series=series, following=body.validated_data["following"])
        return Response({"following": following})


router = SimpleRouter()
router.register("contents", ContentViewSet, basename="content")
router.register("series", SeriesViewSet, basename="series")
api_urls: list = router.urls
