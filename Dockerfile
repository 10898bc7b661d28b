# Parley's container: built with the .NET SDK and node (front-end assets), run on the ASP.NET runtime with poppler-utils
# (pdftotext reads PDFs), as a non-root user, listening on 8080.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY App.sln ./
COPY Web/Web.csproj Web/
RUN dotnet restore Web/Web.csproj
COPY Web/package.json Web/package-lock.json Web/
RUN cd Web && (npm ci --no-audit --no-fund || npm install --no-save --no-audit --no-fund)
COPY Web/ Web/
RUN dotnet publish Web/Web.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends poppler-utils \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_RUNNING_IN_CONTAINER=true
EXPOSE 8080
# The image's built-in non-root user (uid 1654).
USER $APP_UID
ENTRYPOINT ["dotnet", "Web.dll"]
